/**
 * @module What one target's half-rate windows add up to (pure): percentiles, heap and old-generation growth per
 * request, its collections, and the latency of the requests no full collection disturbed.
 */
import { type LatencySummary, percentile, summarize } from "../stats.ts";
import {
  fullGcSpans,
  type GcEvent,
  type GcSummary,
  latenciesOutside,
  type OldGrowth,
  summarizeGcs,
} from "./gc/gc-figures.ts";
import type { HalfRateRuns } from "./half-rate-windows.ts";
import type { GcObservation } from "./load-targets.ts";
import type { RequestTiming } from "./open-loop.ts";

/** A target's garbage collections over its half-rate windows. */
export interface GcFigures {
  /** Requests sent in the windows. */
  requests: number;
  /** Bytes the target's own heap (its Worker's isolate, or the emulator) allocated per request. */
  allocatedBytesPerRequest: number;
  /**
   * Bytes per request its old generation grew (for workerd with the C++ heap of its own objects): the growth
   * that brings on the next full collection. NaN when a window saw too few collections to tell.
   */
  oldGrowthBytesPerRequest: number;
  /** Full (mark-compact) collections in every process the requests pass through, and minor ones. */
  full: GcSummary;
  minor: GcSummary;
  /** Each full collection: whose heap, how long, why, and when (ms into its window). */
  fullCollections: { heap: string; pauseMs: number; reason: string; atMs: number }[];
}

/** Latency of the requests no full collection disturbed (in flight during its pause or as long after it). */
export interface OutsideFullGc {
  count: number;
  p99: number;
  p999: number;
}

/** One target's figures at half the proxy's max rate. */
export interface HalfRateFigures extends LatencySummary {
  p999: number;
  failed: number;
  /** The measured windows' total length. */
  windowMs: number;
  sortedLatenciesMs: number[];
  /** The collections, or why they could not be followed. */
  gc: GcFigures | { unavailable: string };
  /** Absent when the collections could not be followed. */
  outsideFullGc: OutsideFullGc | undefined;
}

/** Old-generation growth over the requests scheduled within the spans it was measured over. */
function oldGrowthPerRequest(growths: readonly (OldGrowth | undefined)[], timings: readonly RequestTiming[]) {
  if (growths.some((growth) => growth === undefined)) return Number.NaN;
  const spans = growths as OldGrowth[];
  const requests = timings.filter((request) =>
    spans.some((span) => request.scheduledAtMs >= span.fromMs && request.scheduledAtMs < span.toMs),
  ).length;
  return requests > 0 ? spans.reduce((sum, span) => sum + span.bytes, 0) / requests : Number.NaN;
}

/**
 * Percentiles, the collections and the latency outside full collections of one target's windows.
 *
 * @example
 * ```ts
 * halfRateFigures(runs).outsideFullGc?.p99;
 * ```
 */
export function halfRateFigures(runs: HalfRateRuns): HalfRateFigures {
  const sorted = [...runs.latencies].sort((a, b) => a - b);
  const base = {
    ...summarize(sorted),
    p999: percentile(sorted, 99.9),
    failed: runs.failed,
    windowMs: runs.windowMs,
    sortedLatenciesMs: sorted.filter(Number.isFinite),
  };
  const missing = runs.observations.find(
    (observation): observation is { startedAtMs: number; gc: { unavailable: string } } =>
      "unavailable" in observation.gc,
  );
  if (missing !== undefined || runs.observations.length === 0)
    return {
      ...base,
      gc: { unavailable: missing?.gc.unavailable ?? "not watched" },
      outsideFullGc: undefined,
    };
  const watched = runs.observations as { startedAtMs: number; gc: GcObservation }[];
  const events: GcEvent[] = watched.flatMap((observation) => observation.gc.events);
  const perRequest = (bytes: number) => (runs.sent > 0 ? bytes / runs.sent : Number.NaN);
  const gc: GcFigures = {
    requests: runs.sent,
    allocatedBytesPerRequest: perRequest(watched.reduce((sum, { gc }) => sum + gc.allocatedBytes, 0)),
    oldGrowthBytesPerRequest: oldGrowthPerRequest(
      watched.map(({ gc }) => gc.oldGrowth),
      runs.timings,
    ),
    full: summarizeGcs(events, "full"),
    minor: summarizeGcs(events, "minor"),
    fullCollections: watched.flatMap(({ startedAtMs, gc }) =>
      gc.events
        .filter((event) => event.kind === "full")
        .map((event) => ({
          heap: event.heap,
          pauseMs: event.pauseMs,
          reason: event.reason,
          atMs: event.startMs - startedAtMs,
        })),
    ),
  };
  // Unanswered requests stay in (as infinitely slow): nothing shows they met a collection.
  const outside = [
    ...latenciesOutside(runs.timings, fullGcSpans(events)),
    ...Array<number>(runs.unanswered).fill(Infinity),
  ].sort((a, b) => a - b);
  const outsideFullGc = {
    count: outside.length,
    p99: percentile(outside, 99),
    p999: percentile(outside, 99.9),
  };
  return { ...base, gc, outsideFullGc };
}
