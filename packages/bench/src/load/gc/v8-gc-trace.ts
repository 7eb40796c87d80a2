/**
 * @module V8's `--trace-gc-nvp` lines from workerd (pure): one line parsed, and every isolate's collections placed
 * on the bench's clock.
 */
import type { GcEvent } from "./gc-figures.ts";

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
