import { describe, it } from "vitest";
import { gcEvent } from "./test-events.ts";
import { createV8GcLog, parseV8GcLine } from "./v8-gc-trace.ts";

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

const event = gcEvent;

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
