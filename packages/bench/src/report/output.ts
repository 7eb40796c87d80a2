/** @module What a run leaves behind: the table on stdout, and the JSON and SVG files. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { TARGET_NAMES } from "../load/load-targets.ts";
import type { BenchReport } from "../run-bench.ts";
import { renderLatencyChart } from "./latency-chart.ts";
import { formatMachine } from "./machine.ts";
import { renderTable } from "./markdown-table.ts";
import { cells, HEADER, perSecond } from "./row.ts";
import { TARGET_LABELS } from "./rows-load.ts";

/**
 * The one table, followed by the machine line.
 *
 * @example
 * ```ts
 * console.log(formatReport(report));
 * ```
 */
export function formatReport(report: BenchReport): string {
  return [
    renderTable(HEADER, report.rows.map(cells)),
    "",
    `${formatMachine(report.machine)} · ${report.mode} run, ${report.durationSeconds} s`,
  ].join("\n");
}

/**
 * The report as JSON-ready data: every figure of the table plus the raw results, with the per-request
 * latencies left out (the chart and the percentiles carry them).
 *
 * @example
 * ```ts
 * JSON.stringify(reportData(report), null, 2);
 * ```
 */
export function reportData(report: BenchReport): unknown {
  return JSON.parse(
    JSON.stringify(report, (key, value: unknown) => {
      if (key === "sortedLatenciesMs") return undefined;
      // JSON has no Infinity: an infinite percentile means requests went unanswered.
      return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
    }),
  );
}

/**
 * The latency chart of section 3, or `undefined` when it did not run.
 *
 * @example
 * ```ts
 * const svg = latencyChart(report);
 * ```
 */
export function latencyChart(report: BenchReport): string | undefined {
  if (report.load === undefined || !report.load.ok) return undefined;
  const { halfRate, targets } = report.load.value;
  const { cores, cpu, date } = report.machine;
  return renderLatencyChart(
    `Latency by percentile at ${perSecond(halfRate)}, half of the proxy's max sustainable rate`,
    `open-model load, latency from each request's scheduled time · ${cores} cores, ${cpu} · ${date} (${report.mode} run)`,
    TARGET_NAMES.map((name) => ({
      name: TARGET_LABELS[name],
      sortedMs: targets[name].atHalfRate.sortedLatenciesMs,
    })),
  );
}

/**
 * Writes the JSON (when asked for) and the chart, creating their directories.
 *
 * @example
 * ```ts
 * const written = await writeOutputs(report, { jsonPath: "bench-results/run.json", svgPath: "bench-results/run.latency.svg" });
 * ```
 */
export async function writeOutputs(
  report: BenchReport,
  paths: { jsonPath: string | undefined; svgPath: string },
): Promise<string[]> {
  const written: string[] = [];
  const write = async (path: string, text: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    written.push(path);
  };
  if (paths.jsonPath !== undefined)
    await write(paths.jsonPath, `${JSON.stringify(reportData(report), null, 2)}\n`);
  const svg = latencyChart(report);
  if (svg !== undefined) await write(paths.svgPath, svg);
  return written;
}
