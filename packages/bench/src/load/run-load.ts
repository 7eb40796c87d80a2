/** @module Section 3: max sustainable rate of each target, then latency of all three at half the proxy's. */
import { type LatencySummary, summarize } from "../stats.ts";
import { closedLoop } from "./closed-loop.ts";
import { createLoadClient } from "./load-client.ts";
import type { LoadTarget, TargetName } from "./load-targets.ts";
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
  halfRateMs: number;
  segments: number;
  p99SloMs: number;
}

/** One target's figures. */
export interface TargetFigures {
  closedLoopRate: number;
  maxRate: number;
  /** Every rate tried, with the generator's own send lag (large values would mean it, not the target, lagged). */
  probes: (RateProbe & { p99Ms: number; failed: number; sendLagP99Ms: number })[];
  atHalfRate: LatencySummary & { failed: number; sortedLatenciesMs: number[] };
}

/** Section 3's result; `halfRate` is half the proxy's max sustainable rate. */
export interface LoadResult {
  p99SloMs: number;
  halfRate: number;
  targets: Record<TargetName, TargetFigures>;
}

const failedCount = (result: OpenLoopResult) =>
  result.unanswered + Object.values(result.failures).reduce((sum, count) => sum + count, 0);

/** A warm-up at the same rate (discarded), then the measured run on the same connections. */
async function runAt(target: LoadTarget, rate: number, plan: LoadPlan, measureMs: number, warmupMs: number) {
  const client = createLoadClient(target.origin);
  try {
    const requests = await target.requests(rate);
    const warm = { rate, durationMs: warmupMs, drainMs: plan.drainMs };
    const warmed = warmupMs > 0 ? (await openLoop(client, requests, warm)).sent : 0;
    return await openLoop(client, requests, { rate, durationMs: measureMs, drainMs: plan.drainMs }, warmed);
  } finally {
    await client.close();
  }
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
 * in `segments` slices, so drift of the machine affects (b) and (c) alike.
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
  const latencies = new Map<TargetName, number[]>(names.map((name) => [name, []]));
  const failed = new Map<TargetName, number>(names.map((name) => [name, 0]));
  for (let segment = 0; segment < plan.segments; segment++) {
    for (const name of names.map((_, i) => names[(i + segment) % names.length] as TargetName)) {
      const warmup = segment === 0 ? plan.warmupMs : plan.warmupMs / 2;
      const result = await runAt(targets[name], halfRate, plan, plan.halfRateMs / plan.segments, warmup);
      latencies
        .get(name)
        ?.push(...result.sortedLatenciesMs, ...Array<number>(result.unanswered).fill(Infinity));
      failed.set(name, (failed.get(name) ?? 0) + failedCount(result));
    }
  }
  const figures = {} as Record<TargetName, TargetFigures>;
  for (const name of names) {
    const sorted = (latencies.get(name) ?? []).sort((a, b) => a - b);
    const search = searched.get(name) ?? { closedLoopRate: 0, maxRate: 0, probes: [] };
    figures[name] = {
      ...search,
      atHalfRate: {
        ...summarize(sorted),
        failed: failed.get(name) ?? 0,
        sortedLatenciesMs: sorted.filter(Number.isFinite),
      },
    };
  }
  return { p99SloMs: plan.p99SloMs, halfRate, targets: figures };
}
