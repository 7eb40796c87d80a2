/** @module The half-rate windows: every target at the same rate, taking turns, with its collections watched. */
import type { LoadTarget, TargetName } from "./load-targets.ts";
import type { RequestTiming } from "./open-loop.ts";
import { failedCount, type GcWatch, runAtRate } from "./rate-run.ts";

/** How long the targets run at half the proxy's max rate. */
export interface HalfRatePlan {
  warmupMs: number;
  drainMs: number;
  /** How long each target runs at half the proxy's max rate, split into `segments` windows. */
  halfRateMs: number;
  segments: number;
}

/** One target's half-rate windows, gathered. */
export interface HalfRateRuns {
  /** Every OK latency, and one ∞ per unanswered request. */
  latencies: number[];
  timings: RequestTiming[];
  failed: number;
  sent: number;
  windowMs: number;
  unanswered: number;
  observations: { startedAtMs: number; gc: GcWatch }[];
}

/**
 * Runs every target at `rate` in `segments` slices, the targets alternating so that drift of the machine
 * affects them alike; each slice is a window in which the target's garbage collections are followed.
 *
 * @example
 * ```ts
 * const runs = await runHalfRateWindows(targets, halfRate, plan);
 * runs.get("proxy")?.latencies.length;
 * ```
 */
export async function runHalfRateWindows(
  targets: Record<TargetName, LoadTarget>,
  rate: number,
  plan: HalfRatePlan,
): Promise<Map<TargetName, HalfRateRuns>> {
  const names = Object.keys(targets) as TargetName[];
  const runs = new Map<TargetName, HalfRateRuns>(
    names.map((name) => [
      name,
      { latencies: [], timings: [], failed: 0, sent: 0, windowMs: 0, unanswered: 0, observations: [] },
    ]),
  );
  const windowMs = plan.halfRateMs / plan.segments;
  for (let segment = 0; segment < plan.segments; segment++) {
    for (const name of names.map((_, i) => names[(i + segment) % names.length] as TargetName)) {
      const warmupMs = segment === 0 ? plan.warmupMs : plan.warmupMs / 2;
      const run = { rate, warmupMs, measureMs: windowMs, drainMs: plan.drainMs, watchGc: true };
      const result = await runAtRate(targets[name], run);
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
  return runs;
}
