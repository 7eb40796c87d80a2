/** @module One line of the benchmark table, and the number formats every section shares. */

/** A measurement with its anchor, ratio and goal; `met` is empty where there is no goal. */
export interface Row {
  section: string;
  measurement: string;
  value: string;
  anchor: string;
  ratio: string;
  goal: string;
  met: "yes" | "no" | "";
}

/** A section's result, or the reason it has none (the other sections still run and print). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Runs `work`, turning a throw into a failed outcome with its message.
 *
 * @example
 * ```ts
 * const outcome = await attempt(() => runLimiter(code, plan)); // { ok: false, error: "…" } if it threw
 * ```
 */
export async function attempt<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The table's header, in column order. */
export const HEADER = ["§", "measurement", "value", "anchor", "ratio", "goal", "met?"] as const;

/**
 * A row as table cells.
 *
 * @example
 * ```ts
 * cells(row); // ["1", "signing · node · core", "41.2 µs/op", …]
 * ```
 */
export function cells(row: Row): string[] {
  return [row.section, row.measurement, row.value, row.anchor, row.ratio, row.goal, row.met];
}

/**
 * A row that reports a section (or part of one) that could not be measured.
 *
 * @example
 * ```ts
 * failedRow("3", "load", "the emulator did not start");
 * ```
 */
export function failedRow(section: string, measurement: string, error: string): Row {
  return { section, measurement, value: `not measured: ${error}`, anchor: "", ratio: "", goal: "", met: "" };
}

/**
 * A row of `section` with empty anchor, ratio, goal and verdict unless `more` sets them.
 *
 * @example
 * ```ts
 * rowOf("5", "storm · requests per device", "1.04", { goal: "≤ 1.3", met: "yes" });
 * ```
 */
export function rowOf(section: string, measurement: string, value: string, more: Partial<Row> = {}): Row {
  return { section, measurement, value, anchor: "", ratio: "", goal: "", met: "", ...more };
}

/** `yes`/`no` for a goal check. */
export const verdict = (met: boolean): "yes" | "no" => (met ? "yes" : "no");

/** @example `ratio(0.3312)` → `"0.33×"` */
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "—");

/** @example `micros(41.23)` → `"41.2 µs/op"` */
export const micros = (value: number): string => `${value.toFixed(1)} µs/op`;

/** @example `kib(35430)` → `"34.6 KiB"` */
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** @example `perSecond(5344.6)` → `"5,345/s"` */
export const perSecond = (value: number): string => `${Math.round(value).toLocaleString("en-US")}/s`;

/** @example `millis(2.345)` → `"2.3"`; unanswered requests make a percentile infinite: `"∞"` */
export const millis = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : "∞");
