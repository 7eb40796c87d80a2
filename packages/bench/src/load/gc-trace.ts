/**
 * @module Garbage collections in a measurement window (pure): V8's `--trace-gc-nvp` lines from workerd,
 * Node's `gc` performance entries from the emulator, their spans on the bench's clock, and the bytes allocated.
 */

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

/** One `--trace-gc-nvp` line of workerd's V8: the isolate's id and own clock (ms since the isolate started). */
export interface V8GcLine {
  isolate: string;
  /** When V8 printed the line: at the end of the collection, in whole ms of the isolate's clock. */
  isolateMs: number;
  kind: GcEvent["kind"];
  pauseMs: number;
  freedBytes: number;
  oldBeforeBytes: number;
  oldAfterBytes: number;
  reason: string;
}

// `[pid:0xisolate:id]   12345 ms: GC: {"pause":…,"gc":"s",…}`; V8 prints it when the pause has ended.
const NVP_LINE = /^\[\d+:0x[0-9a-f]+:(\d+)\]\s+(\d+(?:\.\d+)?) ms: GC: (\{.*\})\s*$/;

/**
 * Parses one line workerd printed with V8's `--trace-gc-nvp`; anything else gives `undefined`.
 *
 * @example
 * ```ts
 * parseV8GcLine('[7:0x2a:4]   812 ms: GC: {"pause":150.2,"gc":"mc","reason":"global allocation limit","start_object_size":30000000,"end_object_size":8000000,"start_global_consumed_size":33000000,"end_global_consumed_size":9000000}');
 * // { isolate: "4", isolateMs: 812, kind: "full", pauseMs: 150.2, freedBytes: 22000000,
 * //   oldBeforeBytes: 33000000, oldAfterBytes: 9000000, reason: "global allocation limit" }
 * ```
 */
export function parseV8GcLine(line: string): V8GcLine | undefined {
  const match = NVP_LINE.exec(line);
  if (match === null) return undefined;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(match[3] ?? "") as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const number = (key: string) => (typeof fields[key] === "number" ? (fields[key] as number) : 0);
  if (typeof fields.gc !== "string" || typeof fields.pause !== "number") return undefined;
  return {
    isolate: match[1] ?? "",
    isolateMs: Number(match[2]),
    // V8 names the collector: "s" scavenge, "mms" minor mark-sweep, "mc" (incremental) mark-compact
    kind: fields.gc === "mc" ? "full" : "minor",
    pauseMs: fields.pause,
    freedBytes: number("start_object_size") - number("end_object_size"),
    oldBeforeBytes: number("start_global_consumed_size"),
    oldAfterBytes: number("end_global_consumed_size"),
    reason: typeof fields.reason === "string" ? fields.reason : "",
  };
}

/** Every V8 collection workerd reported, with each isolate's clock tied to the bench's. */
export interface V8GcLog {
  /** Feeds one printed line and the bench time it arrived; returns the parsed collection, if it was one. */
  line(message: string, receivedAtMs: number): V8GcLine | undefined;
  /** Names an isolate (`proxy`, `trivial`); unnamed ones are reported as `isolate <id>`. */
  name(isolate: string, label: string): void;
  /** Every collection whose pause overlapped [fromMs, toMs] on the bench clock. */
  events(fromMs: number, toMs: number): GcEvent[];
  /** Lines seen so far (parsed collections only), for the isolate search. */
  lines(): readonly (V8GcLine & { receivedAtMs: number })[];
}

/**
 * Collects V8 GC lines. Each isolate's clock starts when the isolate does, so its offset to the bench clock
 * is estimated as the smallest (arrival − printed time) over its lines: a line can only arrive after it was
 * printed, and with workerd's stdout line-buffered most arrive within a millisecond or two.
 *
 * @example
 * ```ts
 * const log = createV8GcLog("workerd");
 * log.line(message, performance.now()); // from Miniflare's log handler
 * log.events(start, end).filter((event) => event.kind === "full");
 * ```
 */
export function createV8GcLog(prefix: string): V8GcLog {
  const seen: (V8GcLine & { receivedAtMs: number })[] = [];
  const offsets = new Map<string, number>();
  const labels = new Map<string, string>();
  return {
    line(message, receivedAtMs) {
      const parsed = parseV8GcLine(message);
      if (parsed === undefined) return undefined;
      seen.push({ ...parsed, receivedAtMs });
      const offset = receivedAtMs - parsed.isolateMs;
      offsets.set(parsed.isolate, Math.min(offsets.get(parsed.isolate) ?? offset, offset));
      return parsed;
    },
    name(isolate, label) {
      labels.set(isolate, label);
    },
    events(fromMs, toMs) {
      return seen.flatMap((line): GcEvent[] => {
        const endMs = line.isolateMs + (offsets.get(line.isolate) ?? line.receivedAtMs - line.isolateMs);
        const startMs = endMs - line.pauseMs;
        if (endMs < fromMs || startMs > toMs) return [];
        const { kind, pauseMs, freedBytes, oldBeforeBytes, oldAfterBytes, reason } = line;
        const heap = `${prefix} ${labels.get(line.isolate) ?? `isolate ${line.isolate}`}`;
        return [{ heap, kind, startMs, pauseMs, freedBytes, oldBeforeBytes, oldAfterBytes, reason }];
      });
    },
    lines: () => seen,
  };
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

/** One answered request: when it was scheduled to leave and when its answer ended (bench clock). */
export interface RequestTiming {
  scheduledAtMs: number;
  endedAtMs: number;
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

/** What Node's `v8.GCProfiler` reports per collection (the fields used here). */
export interface NodeGcStatistic {
  gcType: string;
  beforeGC: { heapStatistics: { usedHeapSize: number }; heapSpaceStatistics: NodeHeapSpace[] };
  afterGC: { heapStatistics: { usedHeapSize: number }; heapSpaceStatistics: NodeHeapSpace[] };
}

/** One of V8's heap spaces, as Node names and measures it. */
export interface NodeHeapSpace {
  spaceName: string;
  spaceUsedSize: number;
}

/**
 * The old generation's size: every space but the young generation's.
 *
 * @example
 * ```ts
 * oldGenerationBytes([{ spaceName: "new_space", spaceUsedSize: 9 }, { spaceName: "old_space", spaceUsedSize: 5 }]); // 5
 * ```
 */
export function oldGenerationBytes(spaces: readonly NodeHeapSpace[]): number {
  return spaces
    .filter((space) => space.spaceName !== "new_space" && space.spaceName !== "new_large_object_space")
    .reduce((sum, space) => sum + space.spaceUsedSize, 0);
}

/**
 * Bytes Node's collections freed, and what its full ones cleared from the old generation.
 *
 * @example
 * ```ts
 * nodeGcBytes(profiler.stop().statistics); // { freedBytes: 41943040, oldClearedBytes: 8388608 }
 * ```
 */
export function nodeGcBytes(statistics: readonly NodeGcStatistic[]): {
  freedBytes: number;
  oldClearedBytes: number;
} {
  let freedBytes = 0;
  let oldClearedBytes = 0;
  for (const gc of statistics) {
    freedBytes += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    if (gc.gcType === "MarkSweepCompact")
      oldClearedBytes +=
        oldGenerationBytes(gc.beforeGC.heapSpaceStatistics) -
        oldGenerationBytes(gc.afterGC.heapSpaceStatistics);
  }
  return { freedBytes, oldClearedBytes };
}
