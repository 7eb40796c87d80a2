/** @module A target's max sustainable rate: a closed-loop estimate, then fixed-rate probes searched by `findMaxRate`. */
import { closedLoop } from "./closed-loop.ts";
import { createLoadClient } from "./load-client.ts";
import type { LoadTarget } from "./load-targets.ts";
import { findMaxRate, type RateProbe } from "./max-rate.ts";
import { failedCount, runAtRate } from "./rate-run.ts";

/** Durations and search depth; `p99SloMs` defines "sustainable". */
export interface MaxRateSearchPlan {
  estimateMs: number;
  warmupMs: number;
  probeMs: number;
  drainMs: number;
  bracketProbes: number;
  bisectSteps: number;
  /** Extra runs of a probe that missed the SLO before its rate counts as unsustainable. */
  probeRetries: number;
  p99SloMs: number;
}

/** A target's search: the closed-loop estimate, the max rate found and every probe run. */
export interface MaxRateFigures {
  closedLoopRate: number;
  maxRate: number;
  /** Every rate tried, with the generator's own send lag (large values would mean it, not the target, lagged). */
  probes: (RateProbe & { p99Ms: number; failed: number; sendLagP99Ms: number })[];
}

/**
 * Estimates the target's capacity closed-loop (16 in flight), then searches from 0.8× that for the highest
 * rate with p99 ≤ `p99SloMs`, no errors and nothing unanswered.
 *
 * @example
 * ```ts
 * const { maxRate } = await searchMaxRate(targets.proxy, FULL_PLAN.load);
 * ```
 */
export async function searchMaxRate(target: LoadTarget, plan: MaxRateSearchPlan): Promise<MaxRateFigures> {
  const client = createLoadClient(target.origin);
  let closedLoopRate: number;
  try {
    const requests = await target.requests(0);
    closedLoopRate = await closedLoop(client, requests, { concurrency: 16, durationMs: plan.estimateMs });
  } finally {
    await client.close();
  }
  const probes: MaxRateFigures["probes"] = [];
  const run = { warmupMs: plan.warmupMs, measureMs: plan.probeMs, drainMs: plan.drainMs, watchGc: false };
  const search = await findMaxRate(
    async (rate) => {
      // A failed probe is repeated (`probeRetries`), so one stall of a shared machine does not decide.
      for (let attempt = 0; attempt <= plan.probeRetries; attempt++) {
        const result = await runAtRate(target, { ...run, rate });
        const failed = failedCount(result);
        const sustained = failed === 0 && result.latencyMs.p99 <= plan.p99SloMs;
        const { p99 } = result.latencyMs;
        probes.push({ rate, sustained, p99Ms: p99, failed, sendLagP99Ms: result.sendLagP99Ms });
        if (sustained) return true;
        // A backlog left behind would slow the next run: give the target time to finish it.
        await new Promise((resolve) => setTimeout(resolve, plan.drainMs));
      }
      return false;
    },
    {
      estimate: closedLoopRate * 0.8,
      maxBracketProbes: plan.bracketProbes,
      bisectSteps: plan.bisectSteps,
      floor: 5,
    },
  );
  return { closedLoopRate, maxRate: search.rate, probes };
}
