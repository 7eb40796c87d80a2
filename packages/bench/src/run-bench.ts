/** @module Runs the selected sections one after another and gathers their rows and raw figures. */
import type { BenchArgs, Section } from "./args.ts";
import { type BundleSizes, measureBundles, wranglerWorkerBundle } from "./bundle/bundle-sizes.ts";
import { type LimiterResult, runLimiter } from "./limiter/run-limiter.ts";
import { startLoadTargets } from "./load/load-targets.ts";
import { type LoadResult, runLoad } from "./load/run-load.ts";
import { FULL_PLAN, QUICK_PLAN } from "./plans.ts";
import { describeMachine, type Machine } from "./report/machine.ts";
import { attempt, type Outcome, type Row } from "./report/row.ts";
import { bundleRows } from "./report/rows-bundle.ts";
import { limiterRows } from "./report/rows-limiter.ts";
import { loadRows } from "./report/rows-load.ts";
import { signingRows } from "./report/rows-signing.ts";
import { stormRows } from "./report/rows-storm.ts";
import { runSigning, type SigningOutcome } from "./signing/run-signing.ts";
import { runStorm, type StormResult } from "./storm/run-storm.ts";

/** Everything one run produced. */
export interface BenchReport {
  mode: "full" | "quick";
  machine: Machine;
  durationSeconds: number;
  rows: Row[];
  signing?: Outcome<SigningOutcome[]>;
  bundle?: Outcome<BundleSizes>;
  load?: Outcome<LoadResult>;
  limiter?: Outcome<LimiterResult>;
  storm?: Outcome<StormResult>;
}

/**
 * Runs the sections in `args.sections`; a failing section becomes a "not measured" row, never an abort.
 * `progress` receives one line per step (the entry script sends them to stderr).
 *
 * @example
 * ```ts
 * const report = await runBench(parseArgs(["--quick"]), console.error);
 * ```
 */
export async function runBench(args: BenchArgs, progress: (line: string) => void): Promise<BenchReport> {
  const started = performance.now();
  const plan = args.quick ? QUICK_PLAN : FULL_PLAN;
  const wants = (section: Section) => args.sections.includes(section);
  const report: BenchReport = {
    mode: args.quick ? "quick" : "full",
    machine: await describeMachine(),
    durationSeconds: 0,
    rows: [],
  };
  const step = async <T>(label: string, work: () => Promise<T>): Promise<Outcome<T>> => {
    const at = performance.now();
    progress(`bench: ${label}…`);
    const outcome = await attempt(work);
    const took = ((performance.now() - at) / 1000).toFixed(1);
    progress(outcome.ok ? `bench: ${label} done in ${took} s` : `bench: ${label} failed: ${outcome.error}`);
    return outcome;
  };
  if (wants("signing")) {
    report.signing = await step("1 signing on node, deno, bun, workerd", () => runSigning(plan.signing));
  }
  const needsWorker = wants("bundle") || wants("load") || wants("limiter") || wants("storm");
  const worker = needsWorker
    ? await step("building the proxy with wrangler", wranglerWorkerBundle)
    : undefined;
  const withWorker = async <T>(work: (code: string) => Promise<T>): Promise<T> => {
    if (worker === undefined || !worker.ok)
      throw new Error(`no proxy bundle: ${worker?.ok ? "" : worker?.error}`);
    return work(worker.value);
  };
  if (wants("bundle")) report.bundle = await step("2 bundle sizes", () => withWorker(measureBundles));
  if (wants("load")) {
    report.load = await step("3 proxy overhead under open-model load", () =>
      withWorker(async (code) => {
        const { targets, stop } = await startLoadTargets(code);
        try {
          return await runLoad(targets, plan.load);
        } finally {
          await stop();
        }
      }),
    );
  }
  if (wants("limiter")) {
    report.limiter = await step("4 limiter Durable Object", () =>
      withWorker((code) => runLimiter(code, plan.limiter)),
    );
  }
  if (wants("storm")) {
    report.storm = await step(
      "5 storm: a fleet reconnecting at once, reject vs scheduled, then sustained",
      () => withWorker((code) => runStorm(code, plan.storm, progress)),
    );
  }
  report.rows = [
    ...(report.signing ? signingRows(report.signing) : []),
    ...(report.bundle ? bundleRows(report.bundle) : []),
    ...(report.load ? loadRows(report.load) : []),
    ...(report.limiter ? limiterRows(report.limiter) : []),
    ...(report.storm ? stormRows(report.storm) : []),
  ];
  report.durationSeconds = Math.round((performance.now() - started) / 100) / 10;
  return report;
}
