/** @module One fixed-rate run of a target: a discarded warm-up, then the measured open-model run, its GCs watched if asked. */
import { createLoadClient } from "./load-client.ts";
import type { GcObservation, LoadTarget } from "./load-targets.ts";
import { type OpenLoopResult, openLoop } from "./open-loop.ts";

/** A run's shape: its rate (requests per second), warm-up, measured part and the wait for stragglers. */
export interface RateRunPlan {
  rate: number;
  warmupMs: number;
  measureMs: number;
  drainMs: number;
  /** Follows the target's collections over the measured part. */
  watchGc: boolean;
}

/** A window's collections, or why they could not be followed. */
export type GcWatch = GcObservation | { unavailable: string };

/** What the measured part saw, when it started (bench clock) and the target's collections meanwhile. */
export interface RateRunResult extends OpenLoopResult {
  startedAtMs: number;
  gc: GcWatch;
}

/**
 * Requests that failed: non-2xx answers, network errors and those still unanswered.
 *
 * @example
 * ```ts
 * failedCount(result) === 0; // the run had no errors
 * ```
 */
export function failedCount(result: OpenLoopResult): number {
  return result.unanswered + Object.values(result.failures).reduce((sum, count) => sum + count, 0);
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

// never throws: a window that cannot be read says why in the figures instead
async function closeWindow(stop: () => Promise<GcObservation>): Promise<GcWatch> {
  try {
    return await stop();
  } catch (error) {
    return { unavailable: message(error) };
  }
}

/**
 * A warm-up at the same rate (discarded), then the measured run on the same connections; with `watchGc`
 * the target's collections are followed over the measured run.
 *
 * @example
 * ```ts
 * const run = await runAtRate(target, { rate: 200, warmupMs: 1500, measureMs: 4000, drainMs: 2000, watchGc: false });
 * run.latencyMs.p99;
 * ```
 */
export async function runAtRate(target: LoadTarget, plan: RateRunPlan): Promise<RateRunResult> {
  const { rate, drainMs } = plan;
  const client = createLoadClient(target.origin);
  try {
    const requests = await target.requests(rate);
    const warm = { rate, durationMs: plan.warmupMs, drainMs };
    const warmed = plan.warmupMs > 0 ? (await openLoop(client, requests, warm)).sent : 0;
    let gc: GcWatch = { unavailable: "not watched" };
    let stopWatching: (() => Promise<GcObservation>) | undefined;
    if (plan.watchGc) {
      try {
        stopWatching = await target.watchGc();
      } catch (error) {
        gc = { unavailable: message(error) };
      }
    }
    const startedAtMs = performance.now();
    let result: OpenLoopResult;
    try {
      result = await openLoop(client, requests, { rate, durationMs: plan.measureMs, drainMs }, warmed);
    } finally {
      // closed even when the run failed, so the target's next window starts clean
      if (stopWatching !== undefined) gc = await closeWindow(stopWatching);
    }
    return { ...result, startedAtMs, gc };
  } finally {
    await client.close();
  }
}
