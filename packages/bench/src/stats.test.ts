import { describe, it } from "vitest";
import { median, percentile, summarize } from "./stats.ts";

describe("median", () => {
  it("takes the middle of odd and the mean of the middle two of even counts, in any order", ({ expect }) => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, 3, 1, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it("does not reorder its input", ({ expect }) => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("percentile (nearest rank)", () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it("returns a value that occurred", ({ expect }) => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 99.9)).toBe(100);
    // p99.9 of a 60 s window at ~33/s: the second-worst of 2,000
    expect(
      percentile(
        Array.from({ length: 2000 }, (_, i) => i + 1),
        99.9,
      ),
    ).toBe(1998);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
  });

  it("rounds the rank up, so small samples report their worst values", ({ expect }) => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 91)).toBe(10);
    expect(percentile([4], 99)).toBe(4);
  });

  it("is NaN for no values and refuses percentages outside 0..100", ({ expect }) => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("summarize", () => {
  it("sorts before ranking", ({ expect }) => {
    expect(summarize([5, 1, 3])).toEqual({ count: 3, p50: 3, p90: 5, p99: 5, max: 5 });
  });
});
