import { describe, it } from "vitest";
import type { GcEvent } from "./gc/gc-figures.ts";
import { halfRateFigures } from "./half-rate-figures.ts";
import type { HalfRateRuns } from "./half-rate-windows.ts";

const full = (startMs: number, pauseMs: number): GcEvent => ({
  heap: "workerd proxy",
  kind: "full",
  startMs,
  pauseMs,
  freedBytes: 0,
  oldBeforeBytes: 0,
  oldAfterBytes: 0,
  reason: "global allocation limit",
});

const runs = (observations: HalfRateRuns["observations"]): HalfRateRuns => ({
  latencies: [4, 5, 150, Number.POSITIVE_INFINITY],
  timings: [
    { scheduledAtMs: 1010, endedAtMs: 1014 },
    { scheduledAtMs: 1020, endedAtMs: 1025 },
    { scheduledAtMs: 1100, endedAtMs: 1250 },
  ],
  failed: 1,
  sent: 4,
  windowMs: 2000,
  unanswered: 1,
  observations,
});

describe("halfRateFigures", () => {
  it("sums a window's collections per request and leaves out requests a full pause disturbed", ({
    expect,
  }) => {
    const gc = {
      events: [full(1200, 40)],
      allocatedBytes: 4000,
      oldGrowth: { bytes: 300, fromMs: 1000, toMs: 1050 },
    };
    const figures = halfRateFigures(runs([{ startedAtMs: 1000, gc }]));
    expect([figures.p50, figures.max, figures.failed]).toEqual([5, Number.POSITIVE_INFINITY, 1]);
    expect(figures.sortedLatenciesMs).toEqual([4, 5, 150]);
    expect(figures.gc).toMatchObject({
      requests: 4,
      allocatedBytesPerRequest: 1000,
      oldGrowthBytesPerRequest: 150,
      full: { count: 1, maxMs: 40, totalMs: 40 },
      fullCollections: [{ heap: "workerd proxy", pauseMs: 40, atMs: 200 }],
    });
    // the 150 ms request was in flight during the pause; the unanswered one stays in, as ∞
    expect(figures.outsideFullGc).toEqual({
      count: 3,
      p99: Number.POSITIVE_INFINITY,
      p999: Number.POSITIVE_INFINITY,
    });
  });

  it("says why when any window's collections could not be followed", ({ expect }) => {
    const figures = halfRateFigures(runs([{ startedAtMs: 0, gc: { unavailable: "no GC trace" } }]));
    expect([figures.gc, figures.outsideFullGc]).toEqual([{ unavailable: "no GC trace" }, undefined]);
  });
});
