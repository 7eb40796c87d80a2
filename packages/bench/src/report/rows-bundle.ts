/** @module Section 2's rows: the proxy and core against the SDK-based worker. */
import type { BundleSize } from "../build/sizes.ts";
import type { BundleSizes } from "../bundle/bundle-sizes.ts";
import { failedRow, kib, type Outcome, type Row, ratio, verdict } from "./row.ts";

/** Goals in gzip bytes (KiB, the unit wrangler reports). */
export const BUNDLE_GOALS = { workerGzipBytes: 30 * 1024, coreGzipBytes: 10 * 1024 } as const;

const sized = (size: BundleSize) => `${kib(size.minifiedBytes)} min · ${kib(size.gzipBytes)} gz`;

/**
 * Three rows: proxy worker and core (each with its goal) against the SDK worker fixture.
 *
 * @example
 * ```ts
 * bundleRows({ ok: true, value: await measureBundles(workerCode) });
 * ```
 */
export function bundleRows(outcome: Outcome<BundleSizes>): Row[] {
  if (!outcome.ok) return [failedRow("2", "bundle", outcome.error)];
  const { worker, core, sdkWorker } = outcome.value;
  const anchor = `SDK worker ${kib(sdkWorker.gzipBytes)} gz`;
  return [
    {
      section: "2",
      measurement: "bundle · proxy worker (wrangler deploy --dry-run)",
      value: sized(worker),
      anchor,
      ratio: ratio(worker.gzipBytes / sdkWorker.gzipBytes),
      goal: `≤ ${kib(BUNDLE_GOALS.workerGzipBytes)} gz`,
      met: verdict(worker.gzipBytes <= BUNDLE_GOALS.workerGzipBytes),
    },
    {
      section: "2",
      measurement: "bundle · core alone (esbuild, neutral, minified)",
      value: sized(core),
      anchor,
      ratio: ratio(core.gzipBytes / sdkWorker.gzipBytes),
      goal: `≤ ${kib(BUNDLE_GOALS.coreGzipBytes)} gz`,
      met: verdict(core.gzipBytes <= BUNDLE_GOALS.coreGzipBytes),
    },
    {
      section: "2",
      measurement: "bundle · SDK v3 worker fixture (esbuild, browser, minified)",
      value: sized(sdkWorker),
      anchor: "",
      ratio: "",
      goal: "",
      met: "",
    },
  ];
}
