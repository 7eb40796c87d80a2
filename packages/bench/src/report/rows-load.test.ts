import { describe, it } from "vitest";
import type { GcFigures } from "../load/half-rate-figures.ts";
import type { LoadResult, TargetFigures } from "../load/run-load.ts";
import { gcValue, loadRows } from "./rows-load.ts";

const gc = (fullMs: number[] = []): GcFigures => ({
  requests: 6000,
  allocatedBytesPerRequest: 48 * 1024,
  oldGrowthBytesPerRequest: 8.25 * 1024,
  full: {
    count: fullMs.length,
    maxMs: Math.max(0, ...fullMs),
    totalMs: fullMs.reduce((sum, ms) => sum + ms, 0),
  },
  minor: { count: 20, maxMs: 5, totalMs: 60 },
  fullCollections: fullMs.map((pauseMs) => ({ heap: "workerd proxy", pauseMs, reason: "", atMs: 1000 })),
});

const target = (maxRate: number, p99: number, failed = 0, outsideP99 = p99): TargetFigures => ({
  closedLoopRate: maxRate,
  maxRate,
  probes: [],
  atHalfRate: {
    count: 100,
    p50: p99 / 2,
    p90: p99 * 0.8,
    p99,
    p999: p99 * 2,
    max: p99 * 2,
    failed,
    windowMs: 60_000,
    sortedLatenciesMs: [],
    gc: gc(),
    outsideFullGc: { count: 99, p99: outsideP99, p999: outsideP99 },
  },
});
const load = (proxy: TargetFigures, emulator = target(900, 4)): LoadResult => ({
  p99SloMs: 50,
  halfRate: proxy.maxRate / 2,
  targets: { trivial: target(1000, 2), emulator, proxy },
});
const goals = (rows: ReturnType<typeof loadRows>) =>
  rows.filter((row) => row.met !== "").map((row) => [row.value, row.ratio, row.met]);

describe("loadRows", () => {
  it("meets the goals when the proxy keeps half the trivial rate and adds at most 5 ms at p99", ({
    expect,
  }) => {
    const rows = loadRows({ ok: true, value: load(target(500, 9)) });
    expect(rows).toHaveLength(12);
    expect(goals(rows)).toEqual([
      ["500/s", "0.50×", "yes"],
      ["5.0 ms", "2.25×", "yes"],
      ["5.0 ms", "2.25×", "yes"],
    ]);
    expect(rows[3]?.measurement).toContain("at 250/s");
    expect(rows[3]?.measurement).toContain("60 s");
    expect(rows[5]?.value).toBe("4.5 / 9.0 / 18.0 ms");
    expect(rows[10]).toMatchObject({ value: "10.0 ms", anchor: "(b) p99.9 8.0 ms", met: "" });
  });

  it("judges p99 outside full collections on its own", ({ expect }) => {
    const rows = loadRows({ ok: true, value: load(target(500, 180, 0, 8)) });
    expect(goals(rows).map(([, , met]) => met)).toEqual(["yes", "no", "yes"]);
    expect(rows.at(-1)?.measurement).toContain("outside full GCs");
  });

  it("misses them when the proxy is slow, and never passes a run with failed requests", ({ expect }) => {
    const slow = loadRows({ ok: true, value: load(target(100, 30)) });
    expect(goals(slow).map(([, , met]) => met)).toEqual(["no", "no", "no"]);
    const failing = loadRows({ ok: true, value: load(target(600, 5, 3)) });
    expect(failing.filter((row) => row.goal.startsWith("≤")).map((row) => row.met)).toEqual(["no", "no"]);
    expect(failing[5]?.value).toContain("(3 failed)");
  });

  it("shows unanswered requests as an infinite percentile", ({ expect }) => {
    const rows = loadRows({ ok: true, value: load(target(100, Number.POSITIVE_INFINITY, 1)) });
    expect(rows[9]?.value).toBe("∞ ms");
  });

  it("says when the collections were not followed, and when the window is short", ({ expect }) => {
    const proxy = target(500, 9);
    proxy.atHalfRate = {
      ...proxy.atHalfRate,
      windowMs: 2000,
      gc: { unavailable: "needs stdbuf" },
      outsideFullGc: undefined,
    };
    const rows = loadRows({ ok: true, value: load(proxy) });
    expect(rows[8]).toMatchObject({ value: "not measured: needs stdbuf" });
    expect(rows[8]?.measurement).toContain("2 s, too short to catch full GCs reliably");
    expect(rows.at(-1)).toMatchObject({ met: "", value: expect.stringContaining("not measured") });
  });
});

describe("gcValue", () => {
  it("gives heap per request and the full collections' count, longest and total pause", ({ expect }) => {
    expect(gcValue(gc([150.25, 60]))).toBe(
      "48.0 KiB/req, old gen 8.3 KiB/req · full GCs 2: max 150.3 ms, total 210.3 ms",
    );
    expect(gcValue({ ...gc(), oldGrowthBytesPerRequest: Number.NaN })).toBe(
      "48.0 KiB/req, old gen — · no full GC",
    );
  });
});
