import { describe, it } from "vitest";
import {
  allocatedBytes,
  fullGcSpans,
  latenciesOutside,
  oldGrowthBetweenCollections,
  summarizeGcs,
} from "./gc-figures.ts";
import { gcEvent } from "./test-events.ts";

const event = gcEvent;

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
