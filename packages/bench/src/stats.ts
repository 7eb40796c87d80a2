/** @module Order statistics shared by every benchmark section. */

/**
 * The classic median: the middle value, or the mean of the two middle values.
 *
 * @example
 * ```ts
 * median([3, 1, 2, 10]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

/**
 * Nearest-rank percentile (the smallest value with at least `p` percent of values at or below it),
 * so a reported p99 is always a latency some request really had. `sorted` must be ascending.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90); // 9
 * ```
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError("percentile must be within 0..100");
  // the tolerance keeps float error from bumping an exact rank: (99.9 / 100) * 2000 is 1998.0000000000002
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1] ?? Number.NaN;
}

/** The percentiles every latency measurement reports. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Summarises latencies (any unit) by nearest-rank percentiles.
 *
 * @example
 * ```ts
 * summarize([5, 1, 3]); // { count: 3, p50: 3, p90: 5, p99: 5, max: 5 }
 * ```
 */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}
