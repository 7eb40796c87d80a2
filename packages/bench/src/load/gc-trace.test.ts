import { describe, it } from "vitest";
import {
  allocatedBytes,
  createV8GcLog,
  fullGcSpans,
  type GcEvent,
  latenciesOutside,
  nodeGcBytes,
  oldGenerationBytes,
  oldGrowthBetweenCollections,
  parseV8GcLine,
  summarizeGcs,
} from "./gc-trace.ts";

const nvp = (isolate: number, ms: number, fields: Record<string, unknown>) =>
  `[4242:0x7f3a2c000000:${isolate}]     ${ms} ms: GC: ${JSON.stringify(fields)}`;
const full = {
  pause: 150.5,
  mutator: 900,
  gc: "mc",
  reason: "global allocation limit",
  start_object_size: 30_000_000,
  end_object_size: 8_000_000,
  start_global_consumed_size: 33_000_000,
  end_global_consumed_size: 9_000_000,
};
const scavenge = { ...full, pause: 4, gc: "s", reason: "allocation failure", start_object_size: 9_000_000 };

const event = (
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

describe("parseV8GcLine", () => {
  it("reads a mark-compact and a scavenge line of --trace-gc-nvp", ({ expect }) => {
    expect(parseV8GcLine(nvp(4, 812, full))).toEqual({
      isolate: "4",
      isolateMs: 812,
      kind: "full",
      pauseMs: 150.5,
      freedBytes: 22_000_000,
      oldBeforeBytes: 33_000_000,
      oldAfterBytes: 9_000_000,
      reason: "global allocation limit",
    });
    expect(parseV8GcLine(nvp(0, 90, scavenge))).toMatchObject({
      kind: "minor",
      pauseMs: 4,
      freedBytes: 1_000_000,
    });
  });

  it("ignores every other line", ({ expect }) => {
    expect(
      parseV8GcLine("[4242:0x7f3a2c000000:0]      372 ms: Memory pool: Removed pages: 0"),
    ).toBeUndefined();
    expect(parseV8GcLine('{"level":"log","message":"GC: {}"}')).toBeUndefined();
    expect(parseV8GcLine("[1:0x1:0]  5 ms: GC: {not json}")).toBeUndefined();
    expect(parseV8GcLine(nvp(1, 5, { gc: "s" }))).toBeUndefined();
  });
});

describe("createV8GcLog", () => {
  it("places collections on the bench clock by each isolate's earliest-arriving line", ({ expect }) => {
    const log = createV8GcLog("workerd");
    log.line(nvp(4, 1000, scavenge), 5003); // arrived 3 ms after printing
    log.line(nvp(4, 2000, scavenge), 6000); // at once: the better estimate of the offset (4000)
    log.line(nvp(4, 3150, full), 7200);
    log.line(nvp(9, 100, scavenge), 6000);
    log.line("not a GC line", 6000);
    log.name("4", "proxy");
    expect(log.events(6990, 8000)).toEqual([
      {
        ...event("full", 7000 - 0.5, 150.5, [33_000_000, 9_000_000]),
        freedBytes: 22_000_000,
        reason: "global allocation limit",
      },
    ]);
    expect(log.events(5990, 6000).map((gc) => gc.heap)).toEqual(["workerd proxy", "workerd isolate 9"]);
    expect(log.lines()).toHaveLength(4);
  });
});

describe("summaries", () => {
  const events = [event("full", 0, 150), event("minor", 300, 5), event("full", 900, 60)];

  it("counts each kind with its longest and total pause", ({ expect }) => {
    expect(summarizeGcs(events, "full")).toEqual({ count: 2, maxMs: 150, totalMs: 210 });
    expect(summarizeGcs(events, "minor")).toEqual({ count: 1, maxMs: 5, totalMs: 5 });
    expect(summarizeGcs([], "full")).toEqual({ count: 0, maxMs: 0, totalMs: 0 });
  });

  it("adds what collections freed to the heap's growth", ({ expect }) => {
    expect(allocatedBytes(10_000, 12_000, events)).toBe(5000);
  });

  it("measures old-generation growth between the first and last collection", ({ expect }) => {
    const cycle = [
      event("minor", 100, 2, [4000, 5000]),
      event("full", 500, 50, [9000, 3000]),
      event("minor", 900, 2, [6000, 7000]),
    ];
    expect(oldGrowthBetweenCollections(cycle)).toEqual({ bytes: 8000, fromMs: 102, toMs: 902 });
    expect(oldGrowthBetweenCollections(cycle.slice(0, 1))).toBeUndefined();
  });
});

describe("latency outside full collections", () => {
  it("leaves out requests in flight during a pause or as long after it", ({ expect }) => {
    const spans = fullGcSpans([event("full", 1000, 100), event("minor", 2000, 50)]);
    expect(spans).toEqual([{ startMs: 1000, endMs: 1200 }]);
    const timings = [
      { scheduledAtMs: 900, endedAtMs: 905 },
      { scheduledAtMs: 990, endedAtMs: 1105 },
      { scheduledAtMs: 1150, endedAtMs: 1170 },
      { scheduledAtMs: 1201, endedAtMs: 1204 },
    ];
    expect(latenciesOutside(timings, spans)).toEqual([5, 3]);
  });
});

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
