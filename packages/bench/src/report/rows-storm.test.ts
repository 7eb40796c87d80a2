import { describe, it } from "vitest";
import type { StormResult, StormVariantResult } from "../storm/run-storm.ts";
import type { StormVariant } from "../storm/storm-proxy.ts";
import type { SustainedResult } from "../storm/sustained-load.ts";
import type { Outcome } from "./row.ts";
import { stormRows } from "./rows-storm.ts";

const variant = (
  name: StormVariant,
  completionSeconds: number,
  requestsPerDevice: number,
  joinThrottles: number,
  perJoinMs: number | undefined,
): StormVariantResult => ({
  variant: name,
  bindings: {},
  deadlineSeconds: 42,
  summary: {
    devices: 400,
    joined: 400,
    notJoined: 0,
    gaveUp: 0,
    completionSeconds,
    floorSeconds: 4,
    completionToFloor: completionSeconds / 4,
    requests: requestsPerDevice * 400,
    requestsPerDevice,
    timeToJoinSeconds: { p50: 2, p90: 3.5, p99: 3.9, max: 4 },
  },
  answers: { byStatus: {}, limiterRefusals: 0, upstreamThrottles: 0, joinsNotSent: 0 },
  upstream: {
    joinCalls: 400 + joinThrottles,
    joinThrottles,
    otherCalls: 400,
    otherThrottles: 0,
    joinedTwice: 0,
  },
  cpu:
    perJoinMs === undefined
      ? { measured: false, reason: "no workerd process found under this one" }
      : { measured: true, cpuSeconds: (perJoinMs * 400) / 1000, perJoinMs, pids: [1] },
  logCounts: {},
});

/** A sustained run of 720 devices: `byStatus` as answered, `joinedTwice` as the emulator's log showed. */
const sustained = (byStatus: Record<string, number>, joinedTwice: number, joined = 720): SustainedResult => ({
  plan: { perRolePerSecond: 45, seconds: 8, upstreamLatencyMs: 400, extraSeconds: 30 },
  summary: {
    ...variant("scheduled", 9.5, 1.2, 0, 1).summary,
    devices: 720,
    joined,
    notJoined: 720 - joined,
    floorSeconds: 8,
  },
  answers: { byStatus, limiterRefusals: 0, upstreamThrottles: 0, joinsNotSent: byStatus[503] ?? 0 },
  upstream: {
    joinCalls: 720 + joinedTwice,
    joinThrottles: 0,
    otherCalls: 720,
    otherThrottles: 0,
    joinedTwice,
  },
});

const result = (
  variants: StormVariantResult[],
  after: Outcome<SustainedResult> = { ok: true, value: sustained({ 200: 720 }, 0) },
): StormResult => ({
  devices: 400,
  channels: 200,
  accountJoinsPerSecond: 50,
  floorSeconds: 4,
  floorRule: "",
  variants,
  sustained: after,
});

// the storm variants' rows, without the sustained run's
const stormRowsOf = (value: StormResult) =>
  stormRows({ ok: true, value }).filter((row) => !row.measurement.includes("sustained"));

describe("stormRows", () => {
  it("judges the scheduled variant against the goals and compares it with the reject baseline", ({
    expect,
  }) => {
    const rows = stormRowsOf(result([variant("reject", 6, 4, 0, 2), variant("scheduled", 4.4, 1.1, 0, 1)]));
    expect(rows).toHaveLength(10);
    expect(rows.slice(0, 5).every((row) => row.goal === "" && row.met === "")).toBe(true);
    expect(rows.slice(5).map((row) => [row.value, row.ratio, row.met])).toEqual([
      ["4.4 s", "1.10×", "yes"],
      ["1.10", "0.28×", "yes"],
      ["0", "", "yes"],
      ["2.0 s / 3.9 s · 0", "", ""],
      ["1.00 ms", "0.50×", ""],
    ]);
    expect(rows[5]?.anchor).toBe("floor 4.0 s");
  });

  it("names what the throttles and the CPU are counted over", ({ expect }) => {
    const cut = variant("scheduled", 4.4, 1.1, 2, 1);
    cut.summary.joined = 390;
    const rows = stormRowsOf(result([cut]));
    expect(rows[2]?.measurement).toContain("of 402 joins, 400 other calls");
    // the joins answered 200, not a count of 200
    expect(rows[4]?.measurement).toContain("÷ 390 joins answered 200");
  });

  it("misses the goals on a slow, chatty, throttled run and says when CPU was not measured", ({ expect }) => {
    const rows = stormRowsOf(result([variant("scheduled", 5, 1.5, 3, undefined)]));
    expect(rows.map((row) => row.met)).toEqual(["no", "no", "no", "", ""]);
    expect(rows[4]?.value).toBe("not measured: no workerd process found under this one");
  });

  it("meets no goal when a device never joined", ({ expect }) => {
    const cut = variant("scheduled", Number.POSITIVE_INFINITY, 1, 0, Number.NaN);
    cut.summary.notJoined = 400;
    const rows = stormRowsOf(result([cut]));
    expect(rows.map((row) => row.met)).toEqual(["no", "no", "no", "", ""]);
    expect([rows[0]?.value, rows[4]?.value]).toEqual(["∞", "no joins"]);
  });

  it("judges the sustained run: all joined, no 504 or other failure, none joined twice, no throttle", ({
    expect,
  }) => {
    const run = (value: SustainedResult) => stormRows({ ok: true, value: result([], { ok: true, value }) });
    const clean = run(sustained({ 200: 720, 429: 40, 503: 90 }, 0));
    expect(clean.map((row) => row.met)).toEqual(["yes", "yes", "yes", "yes", ""]);
    expect(clean[1]?.value).toBe("90 · 0 · 0 · 0");
    // joins answered 504 that had reached AWS, and asked again: the failure this run is for
    const timedOut = run(sustained({ 200: 720, 502: 3, 504: 300 }, 180));
    expect(timedOut.map((row) => row.met)).toEqual(["yes", "no", "no", "yes", ""]);
    expect([timedOut[1]?.value, timedOut[2]?.value]).toEqual(["0 · 300 · 3 · 0", "180"]);
    // a 503 of the limiter (unavailable) is another failure, not a join the gate kept back
    const limiter = sustained({ 200: 720, 503: 10 }, 0);
    limiter.answers.joinsNotSent = 4;
    expect(run(limiter)[1]?.value).toBe("4 · 0 · 6 · 0");
    expect(run(limiter)[1]?.met).toBe("no");
    // a run cut at its deadline meets nothing
    const cut = run(sustained({ 0: 20, 200: 700 }, 0, 700));
    expect(cut.map((row) => row.met)).toEqual(["no", "no", "no", "no", ""]);
    expect(cut[0]?.value).toBe("700 of 720");
  });

  it("keeps the storm's rows when only the sustained run failed", ({ expect }) => {
    const rows = stormRows({
      ok: true,
      value: result([variant("scheduled", 4.4, 1.1, 0, 1)], { ok: false, error: "emulator gone" }),
    });
    expect(rows).toHaveLength(6);
    expect(rows[5]?.value).toBe("not measured: emulator gone");
  });

  it("reports a failed section as one row", ({ expect }) => {
    expect(stormRows({ ok: false, error: "boom" })[0]?.value).toBe("not measured: boom");
  });
});
