/** @module Section 3: max sustainable rate of each target, then latency of all three at half the proxy's. */
import { type LatencySummary, percentile, summarize } from "../stats.ts";
import { closedLoop } from "./closed-loop.ts";
import {
  fullGcSpans,
  type GcEvent,
  type GcSummary,
  latenciesOutside,
  type OldGrowth,
  type RequestTiming,
  summarizeGcs,
} from "./gc-trace.ts";
import { createLoadClient } from "./load-client.ts";
import type { GcObservation, LoadTarget, TargetName } from "./load-targets.ts";
import { findMaxRate, type RateProbe } from "./max-rate.ts";
import { type OpenLoopResult, openLoop } from "./open-loop.ts";

/** Durations and search depth; `p99SloMs` defines "sustainable". */
export interface LoadPlan {
  estimateMs: number;
  warmupMs: number;
  probeMs: number;
  drainMs: number;
  bracketProbes: number;
  bisectSteps: number;
  /** Extra runs of a probe that missed the SLO before its rate counts as unsustainable. */
  probeRetries: number;
  /** How long each target runs at half the proxy's max rate, split into `segments` windows. */
  halfRateMs: number;
  segments: number;
  p99SloMs: number;
}

/** A target's garbage collections over its half-rate windows. */
export interface GcFigures {
  /** Requests sent in the windows. */
  requests: number;
  /** Bytes the target's own heap (its Worker's isolate, or the emulator) allocated per request. */
  allocatedBytesPerRequest: number;
  /**
   * Bytes per request its old generation grew (for workerd with the C++ heap of its own objects): the growth
   * that brings on the next full collection. NaN when a window saw too few collections to tell.
   */
  oldGrowthBytesPerRequest: number;
  /** Full (mark-compact) collections in every process the requests pass through, and minor ones. */
  full: GcSummary;
  minor: GcSummary;
  /** Each full collection: whose heap, how long, why, and when (ms into its window). */
  fullCollections: { heap: string; pauseMs: number; reason: string; atMs: number }[];
}

/** Latency of the requests no full collection disturbed (in flight during its pause or as long after it). */
export interface OutsideFullGc {
  count: number;
  p99: number;
  p999: number;
}

/** One target's figures. */
export interface TargetFigures {
  closedLoopRate: number;
  maxRate: number;
  /** Every rate tried, with the generator's own send lag (large values would mean it, not the target, lagged). */
  probes: (RateProbe & { p99Ms: number; failed: number; sendLagP99Ms: number })[];
  atHalfRate: LatencySummary & {
    p999: number;
    failed: number;
    /** The measured windows' total length. */
    windowMs: number;
    sortedLatenciesMs: number[];
    /** The collections, or why they could not be followed. */
    gc: GcFigures | { unavailable: string };
    /** Absent when the collections could not be followed. */
    outsideFullGc: OutsideFullGc | undefined;
  };
}

/** Section 3's result; `halfRate` is half the proxy's max sustainable rate. */
export interface LoadResult {
  p99SloMs: number;
  halfRate: number;
  targets: Record<TargetName, TargetFigures>;
}

const failedCount = (result: OpenLoopResult) =>
  result.unanswered + Object.values(result.failures).reduce((sum, count) => sum + count, 0);

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A warm-up at the same rate (discarded), then the measured run on the same connections; with `watchGc`
 * the target's collections are followed over the measured run.
 */
async function runAt(
  target: LoadTarget,
  rate: number,
  plan: LoadPlan,
  measureMs: number,
  warmupMs: number,
  watchGc = false,
): Promise<OpenLoopResult & { startedAtMs: number; gc: GcObservation | { unavailable: string } }> {
  const client = createLoadClient(target.origin);
  try {
    const requests = await target.requests(rate);
    const warm = { rate, durationMs: warmupMs, drainMs: plan.drainMs };
    const warmed = warmupMs > 0 ? (await openLoop(client, requests, warm)).sent : 0;
    let gc: GcObservation | { unavailable: string } = { unavailable: "not watched" };
    let stopWatching: (() => Promise<GcObservation>) | undefined;
    if (watchGc) {
      try {
        stopWatching = await target.watchGc();
      } catch (error) {
        gc = { unavailable: message(error) };
      }
    }
    const startedAtMs = performance.now();
    const result = await openLoop(
      client,
      requests,
      { rate, durationMs: measureMs, drainMs: plan.drainMs },
      warmed,
    );
    if (stopWatching !== undefined) {
      try {
        gc = await stopWatching();
      } catch (error) {
        gc = { unavailable: message(error) };
      }
    }
    return { ...result, startedAtMs, gc };
  } finally {
    await client.close();
  }
}

/** One target's half-rate windows, gathered. */
interface HalfRateRuns {
  latencies: number[];
  timings: RequestTiming[];
  failed: number;
  sent: number;
  windowMs: number;
  unanswered: number;
  observations: { startedAtMs: number; gc: GcObservation | { unavailable: string } }[];
}

/** Old-generation growth over the requests scheduled within the spans it was measured over. */
function oldGrowthPerRequest(growths: readonly (OldGrowth | undefined)[], timings: readonly RequestTiming[]) {
  if (growths.some((growth) => growth === undefined)) return Number.NaN;
  const spans = growths as OldGrowth[];
  const requests = timings.filter((request) =>
    spans.some((span) => request.scheduledAtMs >= span.fromMs && request.scheduledAtMs < span.toMs),
  ).length;
  return requests > 0 ? spans.reduce((sum, span) => sum + span.bytes, 0) / requests : Number.NaN;
}

/** Percentiles, the collections and the latency outside full collections of one target's windows. */
function halfRateFigures(runs: HalfRateRuns): TargetFigures["atHalfRate"] {
  const sorted = [...runs.latencies].sort((a, b) => a - b);
  const base = {
    ...summarize(sorted),
    p999: percentile(sorted, 99.9),
    failed: runs.failed,
    windowMs: runs.windowMs,
    sortedLatenciesMs: sorted.filter(Number.isFinite),
  };
  const missing = runs.observations.find(
    (observation): observation is { startedAtMs: number; gc: { unavailable: string } } =>
      "unavailable" in observation.gc,
  );
  if (missing !== undefined || runs.observations.length === 0)
    return {
      ...base,
      gc: { unavailable: missing?.gc.unavailable ?? "not watched" },
      outsideFullGc: undefined,
    };
  const watched = runs.observations as { startedAtMs: number; gc: GcObservation }[];
  const events: GcEvent[] = watched.flatMap((observation) => observation.gc.events);
  const perRequest = (bytes: number) => (runs.sent > 0 ? bytes / runs.sent : Number.NaN);
  const gc: GcFigures = {
    requests: runs.sent,
    allocatedBytesPerRequest: perRequest(watched.reduce((sum, { gc }) => sum + gc.allocatedBytes, 0)),
    oldGrowthBytesPerRequest: oldGrowthPerRequest(
      watched.map(({ gc }) => gc.oldGrowth),
      runs.timings,
    ),
    full: summarizeGcs(events, "full"),
    minor: summarizeGcs(events, "minor"),
    fullCollections: watched.flatMap(({ startedAtMs, gc }) =>
      gc.events
        .filter((event) => event.kind === "full")
        .map((event) => ({
          heap: event.heap,
          pauseMs: event.pauseMs,
          reason: event.reason,
          atMs: event.startMs - startedAtMs,
        })),
    ),
  };
  // Unanswered requests stay in (as infinitely slow): nothing shows they met a collection.
  const outside = [
    ...latenciesOutside(runs.timings, fullGcSpans(events)),
    ...Array<number>(runs.unanswered).fill(Infinity),
  ].sort((a, b) => a - b);
  const outsideFullGc = {
    count: outside.length,
    p99: percentile(outside, 99),
    p999: percentile(outside, 99.9),
  };
  return { ...base, gc, outsideFullGc };
}

async function searchMaxRate(target: LoadTarget, plan: LoadPlan) {
  const client = createLoadClient(target.origin);
  let closedLoopRate: number;
  try {
    const requests = await target.requests(0);
    closedLoopRate = await closedLoop(client, requests, { concurrency: 16, durationMs: plan.estimateMs });
  } finally {
    await client.close();
  }
  const probes: TargetFigures["probes"] = [];
  const search = await findMaxRate(
    async (rate) => {
      // A failed probe is repeated (`probeRetries`), so one stall of a shared machine does not decide.
      for (let attempt = 0; attempt <= plan.probeRetries; attempt++) {
        const result = await runAt(target, rate, plan, plan.probeMs, plan.warmupMs);
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

/**
 * Runs section 3. Max rates are searched target by target; the half-rate runs then alternate targets
 * in `segments` slices, so drift of the machine affects (b) and (c) alike, each slice a window in which the
 * target's garbage collections are followed.
 *
 * @example
 * ```ts
 * const result = await runLoad(targets, plan);
 * result.targets.proxy.atHalfRate.p99 - result.targets.emulator.atHalfRate.p99; // added p99
 * ```
 */
export async function runLoad(targets: Record<TargetName, LoadTarget>, plan: LoadPlan): Promise<LoadResult> {
  const names = Object.keys(targets) as TargetName[];
  const searched = new Map<TargetName, Awaited<ReturnType<typeof searchMaxRate>>>();
  for (const name of names) searched.set(name, await searchMaxRate(targets[name], plan));
  const halfRate = Math.max(1, (searched.get("proxy")?.maxRate ?? 0) / 2);
  const runs = new Map<TargetName, HalfRateRuns>(
    names.map((name) => [
      name,
      { latencies: [], timings: [], failed: 0, sent: 0, windowMs: 0, unanswered: 0, observations: [] },
    ]),
  );
  const windowMs = plan.halfRateMs / plan.segments;
  for (let segment = 0; segment < plan.segments; segment++) {
    for (const name of names.map((_, i) => names[(i + segment) % names.length] as TargetName)) {
      const warmup = segment === 0 ? plan.warmupMs : plan.warmupMs / 2;
      const result = await runAt(targets[name], halfRate, plan, windowMs, warmup, true);
      const gathered = runs.get(name);
      if (gathered === undefined) continue;
      gathered.latencies.push(
        ...result.sortedLatenciesMs,
        ...Array<number>(result.unanswered).fill(Infinity),
      );
      gathered.timings.push(...result.timings);
      gathered.failed += failedCount(result);
      gathered.sent += result.sent;
      gathered.unanswered += result.unanswered;
      gathered.windowMs += windowMs;
      gathered.observations.push({ startedAtMs: result.startedAtMs, gc: result.gc });
    }
  }
  const figures = {} as Record<TargetName, TargetFigures>;
  for (const name of names) {
    const search = searched.get(name) ?? { closedLoopRate: 0, maxRate: 0, probes: [] };
    const gathered = runs.get(name);
    if (gathered !== undefined) figures[name] = { ...search, atHalfRate: halfRateFigures(gathered) };
  }
  return { p99SloMs: plan.p99SloMs, halfRate, targets: figures };
}
