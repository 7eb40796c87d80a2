import { describe, it } from "vitest";
import { descendantsOf, parseProcStat } from "./workerd-cpu.ts";

describe("parseProcStat", () => {
  it("reads ppid and utime + stime, counting fields from the last parenthesis", ({ expect }) => {
    const line = "4242 (my (odd) name) S 77 4242 4242 0 -1 4194560 10 0 0 0 150 30 0 0 20 0 9 0 1 2 3";
    expect(parseProcStat(line)).toEqual({ pid: 4242, ppid: 77, cpuTicks: 180 });
  });

  it("refuses a line it cannot read", ({ expect }) => {
    expect(parseProcStat("garbage")).toBeUndefined();
    expect(parseProcStat("12 (x) S")).toBeUndefined();
  });
});

describe("descendantsOf", () => {
  it("follows children of children and skips other trees", ({ expect }) => {
    const stat = (pid: number, ppid: number) => ({ pid, ppid, cpuTicks: 0 });
    const stats = [stat(2, 1), stat(3, 2), stat(4, 3), stat(5, 9), stat(6, 1)];
    expect(descendantsOf(1, stats).sort()).toEqual([2, 3, 4, 6]);
  });
});
