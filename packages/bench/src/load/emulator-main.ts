/** @module Child-process entry: the emulator with the bench fleet, on its own core, until stdin closes. */

import { constants, PerformanceObserver, performance } from "node:perf_hooks";
import process from "node:process";
import { GCProfiler, getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { benchDataSet } from "./bench-fleet.ts";
import { serveUntilParentLeaves } from "./emulator-child.ts";
import type { GcEvent } from "./gc/gc-figures.ts";
import { nodeGcBytes, oldGenerationBytes } from "./gc/node-gc.ts";

/** A GC window: `gc-start` on stdin opens it, `gc-stop` answers one JSON line with its collections and bytes. */
let window:
  | {
      observer: PerformanceObserver;
      profiler: GCProfiler;
      events: GcEvent[];
      usedBefore: number;
      oldBefore: number;
      fromMs: number;
    }
  | undefined;
const oldNow = () =>
  oldGenerationBytes(
    getHeapSpaceStatistics().map((space) => ({
      spaceName: space.space_name,
      spaceUsedSize: space.space_used_size,
    })),
  );
const record = (entries: readonly PerformanceEntry[]) => {
  for (const entry of entries) {
    const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
    if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR && kind !== constants.NODE_PERFORMANCE_GC_MINOR)
      continue;
    window?.events.push({
      heap: "emulator",
      kind: kind === constants.NODE_PERFORMANCE_GC_MAJOR ? "full" : "minor",
      // epoch ms here; the parent moves it onto its own clock
      startMs: performance.timeOrigin + entry.startTime,
      pauseMs: entry.duration,
      freedBytes: 0,
      oldBeforeBytes: 0,
      oldAfterBytes: 0,
      reason: "",
    });
  }
};
const command = (line: string) => {
  if (line === "gc-start" && window === undefined) {
    const observer = new PerformanceObserver((list) => record(list.getEntries()));
    observer.observe({ entryTypes: ["gc"] });
    const profiler = new GCProfiler();
    profiler.start();
    const usedBefore = getHeapStatistics().used_heap_size;
    window = {
      observer,
      profiler,
      events: [],
      usedBefore,
      oldBefore: oldNow(),
      fromMs: performance.timeOrigin + performance.now(),
    };
  } else if (line === "gc-stop" && window !== undefined) {
    const { observer, profiler, events, usedBefore, oldBefore, fromMs } = window;
    record(observer.takeRecords());
    observer.disconnect();
    const bytes = nodeGcBytes(profiler.stop().statistics);
    const usedAfter = getHeapStatistics().used_heap_size;
    const oldGrowth = {
      bytes: oldNow() - oldBefore + bytes.oldClearedBytes,
      fromMs,
      toMs: performance.timeOrigin + performance.now(),
    };
    window = undefined;
    const report = { events, usedBefore, usedAfter, freedBytes: bytes.freedBytes, oldGrowth };
    process.stdout.write(`${JSON.stringify({ gc: report })}\n`);
  }
};
await serveUntilParentLeaves(benchDataSet(), command);
