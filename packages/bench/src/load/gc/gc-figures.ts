/**
 * @module What a measurement window's garbage collections add up to (pure): one collection on the bench's clock,
 * the pauses of each kind, the bytes allocated, the old generation's growth, and the latency outside full pauses.
 */
import type { RequestTiming } from "../open-loop.ts";

/** One collection, on the bench process's clock (`performance.now()` ms). */
export interface GcEvent {
  /** Whose heap: `workerd proxy`, `workerd trivial`, `workerd isolate 9` (Miniflare's own), `emulator`. */
  heap: string;
  /** `full`: mark-compact of the whole heap (V8 `mc`, Node's major GC); `minor`: young generation only. */
  kind: "full" | "minor";
  startMs: number;
  pauseMs: number;
  /** Object bytes before the collection minus after it. */
  freedBytes: number;
  /**
   * The old generation before and after it: what a full collection clears and what its limit is set on
   * (for workerd, V8's "global" size: old space plus the C++ heap of workerd's own objects). 0 if unknown.
   */
  oldBeforeBytes: number;
  oldAfterBytes: number;
  reason: string;
}

/** Count, longest and summed pause of some collections. */
export interface GcSummary {
  count: number;
  maxMs: number;
  totalMs: number;
}

/**
 * Count, longest and total pause of the collections of one kind.
 *
 * @example
 * ```ts
 * summarizeGcs(events, "full"); // { count: 2, maxMs: 181.3, totalMs: 310.9 }
 * ```
 */
export function summarizeGcs(events: readonly GcEvent[], kind: GcEvent["kind"]): GcSummary {
  const pauses = events.filter((event) => event.kind === kind).map((event) => event.pauseMs);
  return {
    count: pauses.length,
    maxMs: pauses.length === 0 ? 0 : Math.max(...pauses),
    totalMs: pauses.reduce((sum, pause) => sum + pause, 0),
  };
}

/**
 * Bytes a heap allocated in a window: its growth in used size plus what its collections freed meanwhile
 * (every byte in use at the end, or freed on the way, was there at the start or allocated since).
 *
 * @example
 * ```ts
 * allocatedBytes(10_000_000, 12_000_000, [{ freedBytes: 30_000_000, … }]); // 32_000_000
 * ```
 */
export function allocatedBytes(
  usedBefore: number,
  usedAfter: number,
  events: readonly Pick<GcEvent, "freedBytes">[],
): number {
  return usedAfter - usedBefore + events.reduce((sum, event) => sum + event.freedBytes, 0);
}

/** How much a heap's old generation grew over a span of the bench clock. */
export interface OldGrowth {
  bytes: number;
  fromMs: number;
  toMs: number;
}

/**
 * Old-generation growth between a heap's first and last collection in a window: its change in size plus
 * what the full collections in between cleared. This is the growth that brings on the next full
 * collection; `undefined` with fewer than two collections.
 *
 * @example
 * ```ts
 * oldGrowthBetweenCollections(events.filter((event) => event.heap === "workerd proxy"));
 * // { bytes: 9_400_000, fromMs: 1_204.5, toMs: 61_873.2 }
 * ```
 */
export function oldGrowthBetweenCollections(events: readonly GcEvent[]): OldGrowth | undefined {
  const sorted = [...events].sort((a, b) => a.startMs - b.startMs);
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined || first === last) return undefined;
  const cleared = sorted
    .slice(1)
    .filter((event) => event.kind === "full")
    .reduce((sum, event) => sum + event.oldBeforeBytes - event.oldAfterBytes, 0);
  return {
    bytes: last.oldAfterBytes - first.oldAfterBytes + cleared,
    fromMs: first.startMs + first.pauseMs,
    toMs: last.startMs + last.pauseMs,
  };
}

/** A span on the bench clock. */
export interface Span {
  startMs: number;
  endMs: number;
}

/**
 * The spans a full collection disturbs: its pause, and as long again after it. At half the max sustainable
 * rate the target serves twice as fast as requests arrive, so the backlog a pause of P leaves drains within P.
 *
 * @example
 * ```ts
 * fullGcSpans([{ kind: "full", startMs: 1000, pauseMs: 150, … }]); // [{ startMs: 1000, endMs: 1300 }]
 * ```
 */
export function fullGcSpans(events: readonly GcEvent[]): Span[] {
  return events
    .filter((event) => event.kind === "full")
    .map((event) => ({ startMs: event.startMs, endMs: event.startMs + 2 * event.pauseMs }));
}

/**
 * Latencies of the requests that were not in flight during any of `spans` (a request is in flight from
 * its scheduled time to its answer's end).
 *
 * @example
 * ```ts
 * latenciesOutside([{ scheduledAtMs: 0, endedAtMs: 4 }, { scheduledAtMs: 10, endedAtMs: 200 }], [{ startMs: 50, endMs: 60 }]); // [4]
 * ```
 */
export function latenciesOutside(timings: readonly RequestTiming[], spans: readonly Span[]): number[] {
  return timings
    .filter((request) =>
      spans.every((span) => request.endedAtMs < span.startMs || request.scheduledAtMs > span.endMs),
    )
    .map((request) => request.endedAtMs - request.scheduledAtMs);
}
