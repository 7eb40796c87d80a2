import { describe, it } from "vitest";
import type { DeviceOutcome } from "./device-storm.ts";
import { countRoles, deadlineMs, floorSeconds, summarizeStorm } from "./storm-summary.ts";

const device = (role: "master" | "viewer", first: number, joined: number | undefined, requests = 1) =>
  ({ role, firstRequestAt: first, joinedAt: joined, requests, gaveUp: false }) satisfies DeviceOutcome;

describe("floorSeconds", () => {
  it("is the slowest join operation's devices at 50/s", ({ expect }) => {
    expect(floorSeconds({ master: 1000, viewer: 1000 })).toBe(20);
    expect(floorSeconds({ master: 200, viewer: 150 })).toBe(4);
    expect(floorSeconds({ master: 10, viewer: 0 }, 5)).toBe(2);
  });

  it("counts roles and sets the deadline from the floor", ({ expect }) => {
    expect(countRoles([device("master", 0, 1), device("viewer", 0, 1), device("master", 0, 1)])).toEqual({
      master: 2,
      viewer: 1,
    });
    expect(deadlineMs(4, { floorMultiple: 3, extraSeconds: 30 })).toBe(42_000);
  });
});

describe("summarizeStorm", () => {
  it("measures completion from the storm's start and time to join from each first request", ({ expect }) => {
    const devices = [
      device("master", 1000, 2000),
      device("viewer", 1050, 4000, 3),
      device("master", 1100, 1600),
    ];
    const summary = summarizeStorm(1000, devices, 2);
    expect(summary.completionSeconds).toBe(3);
    expect(summary.completionToFloor).toBe(1.5);
    expect(summary.requestsPerDevice).toBeCloseTo(5 / 3);
    expect(summary.timeToJoinSeconds).toEqual({ p50: 1, p90: 2.95, p99: 2.95, max: 2.95 });
    expect([summary.joined, summary.notJoined, summary.gaveUp]).toEqual([3, 0, 0]);
  });

  it("makes completion and the top percentiles infinite when a device never joined", ({ expect }) => {
    const summary = summarizeStorm(0, [device("master", 0, 500), device("viewer", 0, undefined, 9)], 1);
    expect(summary.notJoined).toBe(1);
    expect(summary.completionSeconds).toBe(Number.POSITIVE_INFINITY);
    expect(summary.timeToJoinSeconds.p50).toBe(0.5);
    expect(summary.timeToJoinSeconds.p99).toBe(Number.POSITIVE_INFINITY);
  });
});
