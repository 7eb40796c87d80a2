import { describe, it } from "vitest";
import { niceCeiling, renderLatencyChart } from "./latency-chart.ts";

const ramp = (n: number, scale: number) => Array.from({ length: n }, (_, i) => (i + 1) * scale);

describe("niceCeiling", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", ({ expect }) => {
    expect([0.7, 1, 1.1, 3, 37, 50, 51, 999].map(niceCeiling)).toEqual([1, 1, 2, 5, 50, 50, 100, 1000]);
  });

  it("falls back to 1 for nothing to show", ({ expect }) => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.POSITIVE_INFINITY)).toBe(1);
  });
});

describe("renderLatencyChart", () => {
  it("draws one line with p50/p90/p99 markers per series that has data", ({ expect }) => {
    const svg = renderLatencyChart("t", "s", [
      { name: "a", sortedMs: ramp(1000, 0.01) },
      { name: "b", sortedMs: ramp(1000, 0.03) },
      { name: "c", sortedMs: [] },
    ]);
    expect(svg.startsWith("<svg xmlns=")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain("c — no data");
    expect(svg).toContain("b — p50 15.0 · p99 29.7 ms");
  });

  it("scales the y axis to a round maximum above the slowest point", ({ expect }) => {
    const svg = renderLatencyChart("t", "s", [{ name: "a", sortedMs: ramp(100, 0.37) }]);
    expect(svg).toMatch(/>50<\/text>/);
    expect(svg).not.toMatch(/>100<\/text>/);
  });

  it("escapes text", ({ expect }) => {
    const svg = renderLatencyChart("<a & b>", '"q"', [{ name: "x<y", sortedMs: [1] }]);
    expect(svg).toContain("&lt;a &amp; b&gt;");
    expect(svg).toContain("&quot;q&quot;");
    expect(svg).toContain("x&lt;y");
    expect(svg).not.toContain("<a &");
  });

  it("keeps every coordinate finite", ({ expect }) => {
    const svg = renderLatencyChart("t", "s", [
      { name: "one", sortedMs: [2] },
      { name: "none", sortedMs: [] },
    ]);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
