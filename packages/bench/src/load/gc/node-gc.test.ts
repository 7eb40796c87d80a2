import { describe, it } from "vitest";
import { nodeGcBytes, oldGenerationBytes } from "./node-gc.ts";

describe("Node's collections", () => {
  const spaces = (young: number, old: number, large: number) => [
    { spaceName: "new_space", spaceUsedSize: young },
    { spaceName: "old_space", spaceUsedSize: old },
    { spaceName: "large_object_space", spaceUsedSize: large },
  ];
  const gc = (gcType: string, before: [number, number], after: [number, number]) => ({
    gcType,
    beforeGC: {
      heapStatistics: { usedHeapSize: before[0] + before[1] },
      heapSpaceStatistics: spaces(...before, 0),
    },
    afterGC: {
      heapStatistics: { usedHeapSize: after[0] + after[1] },
      heapSpaceStatistics: spaces(...after, 0),
    },
  });

  it("sums what every collection freed and what the full ones cleared from the old generation", ({
    expect,
  }) => {
    expect(oldGenerationBytes(spaces(5, 7, 3))).toBe(10);
    const statistics = [
      gc("Scavenge", [1000, 500], [100, 700]),
      gc("MarkSweepCompact", [200, 900], [0, 300]),
    ];
    expect(nodeGcBytes(statistics)).toEqual({ freedBytes: 700 + 800, oldClearedBytes: 600 });
  });
});
