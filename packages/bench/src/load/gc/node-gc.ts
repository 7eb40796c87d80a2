/** @module The emulator's collections as Node's `v8.GCProfiler` reports them (pure): bytes freed, old generation cleared. */

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
