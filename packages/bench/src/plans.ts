/** @module How long each section measures: the full run (README figures) and `--quick`. */
import type { LimiterPlan } from "./limiter/limiter-worker.ts";
import type { LoadPlan } from "./load/run-load.ts";
import type { SigningPlan } from "./signing/measure-signing.ts";
import type { StormPlan } from "./storm/run-storm.ts";

/** Every section's plan. */
export interface BenchPlan {
  signing: SigningPlan;
  load: LoadPlan;
  limiter: Pick<LimiterPlan, "sequential" | "concurrent" | "inFlight">;
  storm: StormPlan;
}

/** "Sustainable" means p99 within this, no errors, nothing unanswered. */
const P99_SLO_MS = 50;

/** Every storm device starts within 100 ms; a run ends at 3× its floor + 30 s. */
const STORM_RUN = { spreadMs: 100, deadline: { floorMultiple: 3, extraSeconds: 30 }, pauseMs: 2000 } as const;

/** The full run: about five minutes on the 2-core reference machine. */
export const FULL_PLAN: BenchPlan = {
  signing: { rounds: 12, batchesPerRound: 5, batchMs: 40, warmupMs: 800 },
  load: {
    estimateMs: 2000,
    warmupMs: 1500,
    probeMs: 4000,
    drainMs: 2000,
    bracketProbes: 6,
    bisectSteps: 4,
    probeRetries: 1,
    // one 60 s window per target: the proxy's full collections come every 10–30 s at half its max rate
    halfRateMs: 60_000,
    segments: 1,
    p99SloMs: P99_SLO_MS,
  },
  limiter: { sequential: 2000, concurrent: 10_000, inFlight: 16 },
  storm: {
    devices: 2000,
    ...STORM_RUN,
    sustained: { perRolePerSecond: 45, seconds: 30, upstreamLatencyMs: 400, extraSeconds: 60 },
  },
};

/** `--quick`: the same table from fewer, shorter runs, in under a minute. */
export const QUICK_PLAN: BenchPlan = {
  signing: { rounds: 5, batchesPerRound: 2, batchMs: 10, warmupMs: 500 },
  load: {
    estimateMs: 700,
    warmupMs: 400,
    probeMs: 1000,
    drainMs: 1000,
    bracketProbes: 3,
    bisectSteps: 1,
    probeRetries: 0,
    // 2 s windows: too short to catch full collections reliably (the row says so)
    halfRateMs: 2000,
    segments: 1,
    p99SloMs: P99_SLO_MS,
  },
  limiter: { sequential: 300, concurrent: 2000, inFlight: 16 },
  storm: {
    devices: 400,
    ...STORM_RUN,
    sustained: { perRolePerSecond: 45, seconds: 8, upstreamLatencyMs: 400, extraSeconds: 30 },
  },
};
