/** @module Section 3's rows: max sustainable rates, latency and garbage collection at half the proxy's, the goals. */

import type { GcFigures } from "../load/half-rate-figures.ts";
import { TARGET_NAMES, type TargetName } from "../load/load-targets.ts";
import type { LoadResult, TargetFigures } from "../load/run-load.ts";
import { failedRow, kib, millis, type Outcome, perSecond, type Row, ratio, rowOf, verdict } from "./row.ts";

/** Goals: p99 added by the proxy (with and without full collections), and its throughput relative to a trivial route. */
export const LOAD_GOALS = { addedP99Ms: 5, throughputRatio: 0.5 } as const;

/** Windows shorter than this may well see no full collection at all (the proxy's come every 10–30 s). */
export const FULL_GC_WINDOW_MS = 60_000;

/** How each target is named in the table. */
export const TARGET_LABELS: Record<TargetName, string> = {
  trivial: "(a) trivial Hono route",
  emulator: "(b) emulator direct",
  proxy: "(c) proxy full path",
};

const percentiles = (figures: TargetFigures) => {
  const { p50, p99, p999, failed } = figures.atHalfRate;
  const failures = failed > 0 ? ` (${failed} failed)` : "";
  return `${millis(p50)} / ${millis(p99)} / ${millis(p999)} ms${failures}`;
};

const perRequest = (bytes: number) => (Number.isFinite(bytes) ? `${kib(bytes)}/req` : "—");

/**
 * One target's heap and collections, e.g. `47.5 KiB/req, old gen 8.1 KiB/req · full GCs 3: max 171.2 ms, total 279.1 ms`.
 *
 * @example
 * ```ts
 * gcValue(figures.atHalfRate.gc);
 * ```
 */
export function gcValue(gc: GcFigures | { unavailable: string }): string {
  if ("unavailable" in gc) return `not measured: ${gc.unavailable}`;
  const heap = `${perRequest(gc.allocatedBytesPerRequest)}, old gen ${perRequest(gc.oldGrowthBytesPerRequest)}`;
  const { count, maxMs, totalMs } = gc.full;
  const full =
    count === 0 ? "no full GC" : `full GCs ${count}: max ${millis(maxMs)} ms, total ${millis(totalMs)} ms`;
  return `${heap} · ${full}`;
}

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
  const seconds = Math.round(proxy.atHalfRate.windowMs / 1000);
  const at = `at ${perSecond(halfRate)} (½ of (c)'s max), ${seconds} s`;
  const short = proxy.atHalfRate.windowMs < FULL_GC_WINDOW_MS ? ", too short to catch full GCs reliably" : "";
  const row = (measurement: string, value: string, more: Partial<Row> = {}) =>
    rowOf("3", measurement, value, more);
  const rateRows = TARGET_NAMES.map((name) =>
    row(
      `max sustainable rate (p99 ≤ ${p99SloMs} ms, no errors) · ${TARGET_LABELS[name]}`,
      perSecond(targets[name].maxRate),
      name === "proxy"
        ? {
            anchor: `(a) ${perSecond(trivial.maxRate)}`,
            ratio: ratio(throughput),
            goal: `≥ ${LOAD_GOALS.throughputRatio}× (a)`,
            met: verdict(throughput >= LOAD_GOALS.throughputRatio),
          }
        : {},
    ),
  );
  const latencyRows = TARGET_NAMES.map((name) =>
    row(`p50 / p99 / p99.9 ${at} · ${TARGET_LABELS[name]}`, percentiles(targets[name])),
  );
  const gcRows = TARGET_NAMES.map((name) =>
    row(
      `heap per request and full GCs ${at}${short} · ${TARGET_LABELS[name]}`,
      gcValue(targets[name].atHalfRate.gc),
    ),
  );
  const addedP999 = proxy.atHalfRate.p999 - emulator.atHalfRate.p999;
  const outside = { proxy: proxy.atHalfRate.outsideFullGc, emulator: emulator.atHalfRate.outsideFullGc };
  const outsideRow =
    outside.proxy === undefined || outside.emulator === undefined
      ? row("p99 added by the proxy outside full GCs", "not measured: the collections could not be followed")
      : row(
          `p99 added by the proxy outside full GCs (requests in flight during none, nor as long after), (c) − (b), ${at}`,
          `${millis(outside.proxy.p99 - outside.emulator.p99)} ms`,
          {
            anchor: `(b) p99 ${millis(outside.emulator.p99)} ms`,
            ratio: ratio(outside.proxy.p99 / outside.emulator.p99),
            goal: `≤ ${LOAD_GOALS.addedP99Ms} ms`,
            met: verdict(clean && outside.proxy.p99 - outside.emulator.p99 <= LOAD_GOALS.addedP99Ms),
          },
        );
  return [
    ...rateRows,
    ...latencyRows,
    ...gcRows,
    row(`p99 added by the proxy, (c) − (b), ${at}`, `${millis(added)} ms`, {
      anchor: `(b) p99 ${millis(emulator.atHalfRate.p99)} ms`,
      ratio: ratio(proxy.atHalfRate.p99 / emulator.atHalfRate.p99),
      goal: `≤ ${LOAD_GOALS.addedP99Ms} ms`,
      met: verdict(clean && added <= LOAD_GOALS.addedP99Ms),
    }),
    row(`p99.9 added by the proxy, (c) − (b), ${at}`, `${millis(addedP999)} ms`, {
      anchor: `(b) p99.9 ${millis(emulator.atHalfRate.p999)} ms`,
      ratio: ratio(proxy.atHalfRate.p999 / emulator.atHalfRate.p999),
    }),
    outsideRow,
  ];
}
