/** @module Test support: one collection of the proxy's heap, as the GC tests build them. */
import type { GcEvent } from "./gc-figures.ts";

/**
 * A collection of `kind` at `startMs` pausing `pauseMs`, with the old generation's bytes before and after.
 *
 * @example
 * ```ts
 * gcEvent("full", 1000, 150, [30_000_000, 8_000_000]);
 * ```
 */
export const gcEvent = (
  kind: GcEvent["kind"],
  startMs: number,
  pauseMs: number,
  old: [number, number] = [0, 0],
): GcEvent => ({
  heap: "workerd proxy",
  kind,
  startMs,
  pauseMs,
  freedBytes: 1000,
  oldBeforeBytes: old[0],
  oldAfterBytes: old[1],
  reason: "",
});
