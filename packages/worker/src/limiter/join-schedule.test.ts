import fc from "fast-check";
import { describe, it } from "vitest";
import { type AccountJoins, type JoinQueue, type JoinRequest, scheduleJoin } from "./join-schedule.ts";

const W = 1050;
const QUEUE: JoinQueue = { horizonMs: 3000, maxHeld: 256 };

/** Whether no `windowMs` (half-open, as AWS counts) holds more than `quota` of `times`. */
const withinWindows = (times: readonly number[], quota: number, windowMs: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.every((time, index) => index < quota || time - (sorted[index - quota] ?? 0) >= windowMs);
};

interface Device {
  readonly request: JoinRequest;
  readonly firstAt: number;
  /** When it asks next; undefined once admitted. */
  nextAt: number | undefined;
  requests: number;
  slotAt?: number;
}

/**
 * Devices that ask, and ask again exactly when told (whole seconds, as Retry-After carries them), against one
 * account's schedule; returns every device with its slot and request count.
 */
function storm(devices: Device[], quota: number, queue: JoinQueue, untilMs = 600_000): Device[] {
  let state: AccountJoins | undefined;
  for (;;) {
    const due = devices.filter((device) => device.nextAt !== undefined && device.nextAt <= untilMs);
    if (due.length === 0) return devices;
    const device = due.reduce((a, b) => ((b.nextAt ?? 0) < (a.nextAt ?? 0) ? b : a));
    const nowMs = device.nextAt ?? 0;
    const result = scheduleJoin(state, device.request, { quota, windowMs: W }, nowMs, queue);
    state = result.state;
    device.requests++;
    if (result.decision.allowed) {
      device.slotAt = result.slotAt ?? nowMs;
      device.nextAt = undefined;
    } else {
      const ms = result.decision.retryAfterMs;
      device.nextAt = nowMs + (ms > W ? Math.floor(ms / 1000) : Math.max(1, Math.ceil(ms / 1000))) * 1000;
    }
  }
}

/** `count` devices, two a channel, first asking within `spreadMs` of `startMs`. */
const fleet = (count: number, tenant = "fleet", startMs = 0, spreadMs = 100): Device[] =>
  Array.from({ length: count }, (_, n) => ({
    request: { tenant, weight: 1, channel: `${tenant}-${n >> 1}`, channelQuota: 2 },
    firstAt: startMs + ((n * 37) % spreadMs),
    nextAt: startMs + ((n * 37) % spreadMs),
    requests: 0,
  }));

describe("admission scheduling", () => {
  it("admits a fleet reconnecting at once at the account's full rate, each device asking at most twice", ({
    expect,
  }) => {
    // 49 of every window's 50 (one is held for a newcomer): the floor is 2,000 / 50 windows
    const floorMs = (2000 / 50) * W;
    for (const horizonMs of [3000, 30_000]) {
      const devices = storm(fleet(2000), 50, { horizonMs, maxHeld: 2000 });
      const slots = devices.map((device) => device.slotAt ?? Infinity);
      expect(Math.max(...slots)).toBeLessThanOrEqual(1.15 * floorMs);
      expect(withinWindows(slots, 50, W)).toBe(true);
      expect(Math.max(...devices.map((device) => device.requests))).toBe(2);
      // held for up to 30 s, 7 in 10 devices get in with their first request
      const requests = devices.reduce((sum, device) => sum + device.requests, 0) / devices.length;
      if (horizonMs === 30_000) expect(requests).toBeLessThanOrEqual(1.3);
    }
  });

  it("continues a tenant's turns after the last one an isolate told on its own", ({ expect }) => {
    let state: AccountJoins | undefined;
    const ask = (n: number, toldTurnAt?: number) => {
      const request = { tenant: "fleet", weight: 1, channel: `ch${n}`, channelQuota: 2, toldTurnAt };
      const result = scheduleJoin(state, request, { quota: 2, windowMs: W }, 0, {
        horizonMs: 2000,
        maxHeld: 8,
      });
      state = result.state;
      return result.decision;
    };
    // two now, two held (1050 and 1575), then turns half a window apart
    for (let n = 0; n < 4; n++) expect(ask(n).allowed).toBe(true);
    expect(ask(4)).toMatchObject({ allowed: false, retryAfterMs: 2100, turnEveryMs: 525 });
    // an isolate told five more devices 2625 … 4725 itself: the object's next is the one after
    expect(ask(5, 4725).retryAfterMs).toBe(5250);
    expect(ask(6).retryAfterMs).toBe(5775);
  });

  it("never puts more than a quota into any window, whatever arrives, with slots reserved ahead", ({
    expect,
  }) => {
    const arrival = fc.record({
      at: fc.nat({ max: 3000 }),
      tenant: fc.constantFrom("a", "b", "c"),
      channel: fc.nat({ max: 3 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.array(arrival, { maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        (quota, arrivals, maxHeld) => {
          const devices = arrivals.map(({ at, tenant, channel }) => ({
            request: { tenant, weight: tenant === "c" ? 3 : 1, channel: `ch${channel}`, channelQuota: 2 },
            firstAt: at,
            nextAt: at,
            requests: 0,
          }));
          const slots = storm(devices, quota, { horizonMs: 2000, maxHeld }, 30_000).flatMap((device) =>
            device.slotAt === undefined ? [] : [{ at: device.slotAt, channel: device.request.channel }],
          );
          expect(
            withinWindows(
              slots.map((slot) => slot.at),
              quota,
              W,
            ),
          ).toBe(true);
          for (const name of new Set(slots.map((slot) => slot.channel))) {
            const times = slots.filter((slot) => slot.channel === name).map((slot) => slot.at);
            expect(withinWindows(times, 2, W)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("reserves slots a share of a window apart, so AWS receives a stream rather than bursts", ({
    expect,
  }) => {
    let state: AccountJoins | undefined;
    const waits: number[] = [];
    for (let n = 0; n < 200; n++) {
      const request = { tenant: "a", weight: 1, channel: `c${n}`, channelQuota: 2 };
      const result = scheduleJoin(state, request, { quota: 50, windowMs: W }, 0, QUEUE);
      state = result.state;
      if (result.decision.allowed && (result.decision.waitMs ?? 0) > 0)
        waits.push(result.decision.waitMs ?? 0);
    }
    expect(waits.length).toBeGreaterThan(50);
    for (const [index, wait] of waits.entries()) {
      if (index > 0) expect(wait - (waits[index - 1] ?? 0)).toBeGreaterThanOrEqual(W / 50);
    }
  });

  it("gives a tenant arriving during another's storm its first slot within a window, and its share after", ({
    expect,
  }) => {
    // a flood asking six times faster than the account admits, for 10 s
    const flood = fleet(3000, "flood", 0, 10_000);
    const late = fleet(200, "late", 5000);
    storm([...flood, ...late], 50, QUEUE);
    const waits = late.map((device) => (device.slotAt ?? Infinity) - device.firstAt);
    // the join held in every window for a tenant that has not asked lately (in the flood's stream, at its gap)
    expect(Math.min(...waits)).toBeLessThanOrEqual(W);
    // 200 at half of 49 a window: about 8 windows, not the flood's 60
    expect(Math.max(...waits)).toBeLessThanOrEqual(12 * W);
  });

  it("shares the object's holds like its joins: a tenant holding its share cannot keep a newcomer from a hold", ({
    expect,
  }) => {
    let state: AccountJoins | undefined;
    const queue = { horizonMs: 30_000, maxHeld: 10 };
    const ask = (tenant: string, n: number, at: number) => {
      const result = scheduleJoin(
        state,
        { tenant, weight: 1, channel: `${tenant}-${n}`, channelQuota: 2 },
        { quota: 10, windowMs: W },
        at,
        queue,
      );
      state = result.state;
      return result.decision;
    };
    for (let n = 0; n < 100; n++) ask("flood", n, 0);
    // the flood holds all 10 (alone, its share is the whole cap); the newcomer still gets a slot, not a turn
    const newcomer = ask("late", 0, 10);
    expect(newcomer.allowed).toBe(true);
    expect(newcomer.waitMs ?? Infinity).toBeLessThanOrEqual(3 * W);
  });

  it("gives a newcomer a slot within a window while two tenants flood", ({ expect }) => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 2900 }), fc.integer({ min: 2, max: 9 }), (lateAt, gapMs) => {
        let state: AccountJoins | undefined;
        const ask = (tenant: string, n: number, at: number) => {
          const request = { tenant, weight: 1, channel: `${tenant}-${n}`, channelQuota: 2 };
          const result = scheduleJoin(state, request, { quota: 50, windowMs: W }, at, QUEUE);
          state = result.state;
          return result.decision;
        };
        let newcomer: ReturnType<typeof ask> | undefined;
        for (let at = 0, n = 0; at < 3000; at += gapMs, n++) {
          ask(n % 2 === 0 ? "a" : "b", n, at);
          if (newcomer === undefined && at >= lateAt) newcomer = ask("late", 0, at);
        }
        expect(newcomer?.allowed).toBe(true);
        expect(newcomer?.waitMs ?? Infinity).toBeLessThanOrEqual(W);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps every request of a steady tenant within its share admitted while another floods, within a window", ({
    expect,
  }) => {
    const steady: Device[] = [];
    for (let at = 0; at < 20_000; at += 100) {
      steady.push({
        request: { tenant: "steady", weight: 1, channel: `s${at % 7}`, channelQuota: 2 },
        firstAt: at,
        nextAt: at,
        requests: 0,
      });
    }
    storm([...fleet(3000, "flood", 500), ...steady], 50, QUEUE, 20_000);
    expect(steady.filter((device) => device.requests !== 1)).toEqual([]);
    const waits = steady.map((device) => (device.slotAt ?? Infinity) - device.firstAt);
    expect(Math.max(...waits)).toBeLessThanOrEqual(W);
  });
});
