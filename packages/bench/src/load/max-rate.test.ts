import { describe, it } from "vitest";
import { findMaxRate } from "./max-rate.ts";

const plan = { estimate: 500, maxBracketProbes: 6, bisectSteps: 4, floor: 5 };
const capacity = (limit: number) => async (rate: number) => rate <= limit;

describe("findMaxRate", () => {
  it("brackets upwards from a low estimate and bisects to within the last step", async ({ expect }) => {
    const { rate, probes } = await findMaxRate(capacity(1000), plan);
    expect(rate).toBeLessThanOrEqual(1000);
    expect(rate).toBeGreaterThan(1000 / 1.5 ** (1 / 16) - 1);
    expect(probes.slice(0, 3).map((p) => p.rate)).toEqual([500, 750, 1125]);
    expect(probes).toHaveLength(3 + 4);
  });

  it("brackets downwards from a high estimate", async ({ expect }) => {
    const { rate, probes } = await findMaxRate(capacity(100), plan);
    expect(probes.slice(0, 4).map((p) => p.rate)).toEqual([500, 250, 125, 62.5]);
    expect(rate).toBeGreaterThan(62.5);
    expect(rate).toBeLessThanOrEqual(100);
  });

  it("reports only rates that were sustained", async ({ expect }) => {
    const { rate, probes } = await findMaxRate(capacity(321), plan);
    expect(probes.find((p) => p.rate === rate)?.sustained).toBe(true);
    expect(probes.filter((p) => p.sustained).every((p) => p.rate <= rate)).toBe(true);
  });

  it("gives 0 when not even the floor is sustained, without probing below it", async ({ expect }) => {
    const { rate, probes } = await findMaxRate(capacity(1), { ...plan, floor: 100 });
    expect(rate).toBe(0);
    expect(probes.map((p) => p.rate)).toEqual([500, 250, 125, 100]);
  });

  it("stops bracketing after the allowed probes when the target never saturates", async ({ expect }) => {
    const { rate, probes } = await findMaxRate(capacity(Number.POSITIVE_INFINITY), plan);
    expect(probes).toHaveLength(6);
    expect(rate).toBe(500 * 1.5 ** 5);
  });
});
