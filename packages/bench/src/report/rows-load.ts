/** @module Section 3's rows: max sustainable rates, latency at half the proxy's, and the two goals. */
import { TARGET_NAMES, type TargetName } from "../load/load-targets.ts";
import type { LoadResult, TargetFigures } from "../load/run-load.ts";
import { failedRow, millis, type Outcome, perSecond, type Row, ratio, verdict } from "./row.ts";

/** Goals: p99 added by the proxy, and its throughput relative to a trivial route. */
export const LOAD_GOALS = { addedP99Ms: 5, throughputRatio: 0.5 } as const;

/** How each target is named in the table. */
export const TARGET_LABELS: Record<TargetName, string> = {
  trivial: "(a) trivial Hono route",
  emulator: "(b) emulator direct",
  proxy: "(c) proxy full path",
};

const percentiles = (figures: TargetFigures) => {
  const { p50, p90, p99, failed } = figures.atHalfRate;
  const failures = failed > 0 ? ` (${failed} failed)` : "";
  return `${millis(p50)} / ${millis(p90)} / ${millis(p99)} ms${failures}`;
};

/**
 * Rows for section 3.
 *
 * @example
 * ```ts
 * loadRows({ ok: true, value: await runLoad(targets, plan) });
 * ```
 */
export function loadRows(outcome: Outcome<LoadResult>): Row[] {
  if (!outcome.ok) return [failedRow("3", "proxy overhead", outcome.error)];
  const { targets, halfRate, p99SloMs } = outcome.value;
  const { trivial, emulator, proxy } = targets;
  const throughput = trivial.maxRate > 0 ? proxy.maxRate / trivial.maxRate : Number.NaN;
  const added = proxy.atHalfRate.p99 - emulator.atHalfRate.p99;
  const clean = proxy.atHalfRate.failed === 0 && emulator.atHalfRate.failed === 0;
  const rateRows = TARGET_NAMES.map(
    (name): Row => ({
      section: "3",
      measurement: `max sustainable rate (p99 ≤ ${p99SloMs} ms, no errors) · ${TARGET_LABELS[name]}`,
      value: perSecond(targets[name].maxRate),
      anchor: name === "proxy" ? `(a) ${perSecond(trivial.maxRate)}` : "",
      ratio: name === "proxy" ? ratio(throughput) : "",
      goal: name === "proxy" ? `≥ ${LOAD_GOALS.throughputRatio}× (a)` : "",
      met: name === "proxy" ? verdict(throughput >= LOAD_GOALS.throughputRatio) : "",
    }),
  );
  const latencyRows = TARGET_NAMES.map(
    (name): Row => ({
      section: "3",
      measurement: `p50 / p90 / p99 at ${perSecond(halfRate)} (½ of (c)'s max) · ${TARGET_LABELS[name]}`,
      value: percentiles(targets[name]),
      anchor: "",
      ratio: "",
      goal: "",
      met: "",
    }),
  );
  const addedRow: Row = {
    section: "3",
    measurement: `p99 added by the proxy, (c) − (b), at ${perSecond(halfRate)}`,
    value: `${millis(added)} ms`,
    anchor: `(b) p99 ${millis(emulator.atHalfRate.p99)} ms`,
    ratio: ratio(proxy.atHalfRate.p99 / emulator.atHalfRate.p99),
    goal: `≤ ${LOAD_GOALS.addedP99Ms} ms`,
    met: verdict(clean && added <= LOAD_GOALS.addedP99Ms),
  };
  return [...rateRows, ...latencyRows, addedRow];
}
