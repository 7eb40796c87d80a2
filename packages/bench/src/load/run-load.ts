/** @module Section 3: max sustainable rate of each target, then latency of all three at half the proxy's. */
import { type HalfRateFigures, halfRateFigures } from "./half-rate-figures.ts";
import { type HalfRatePlan, runHalfRateWindows } from "./half-rate-windows.ts";
import type { LoadTarget, TargetName } from "./load-targets.ts";
import { type MaxRateFigures, type MaxRateSearchPlan, searchMaxRate } from "./max-rate-search.ts";

/** Durations and search depth of section 3; `p99SloMs` defines "sustainable". */
export interface LoadPlan extends MaxRateSearchPlan, HalfRatePlan {}

/** One target's figures: its max rate search, then its windows at half the proxy's max rate. */
export interface TargetFigures extends MaxRateFigures {
  atHalfRate: HalfRateFigures;
}

/** Section 3's result; `halfRate` is half the proxy's max sustainable rate. */
export interface LoadResult {
  p99SloMs: number;
  halfRate: number;
  targets: Record<TargetName, TargetFigures>;
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
  const searched = new Map<TargetName, MaxRateFigures>();
  for (const name of names) searched.set(name, await searchMaxRate(targets[name], plan));
  const halfRate = Math.max(1, (searched.get("proxy")?.maxRate ?? 0) / 2);
  const runs = await runHalfRateWindows(targets, halfRate, plan);
  const figures = {} as Record<TargetName, TargetFigures>;
  for (const name of names) {
    const search = searched.get(name) ?? { closedLoopRate: 0, maxRate: 0, probes: [] };
    const gathered = runs.get(name);
    if (gathered !== undefined) figures[name] = { ...search, atHalfRate: halfRateFigures(gathered) };
  }
  return { p99SloMs: plan.p99SloMs, halfRate, targets: figures };
}
