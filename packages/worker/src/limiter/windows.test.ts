import { type ChannelSeed, createOperationLimits } from "@kvs-webrtc-storage/testing";
import fc from "fast-check";
import { describe, it } from "vitest";
import { type AccountJoins, type JoinRequest, scheduleJoin } from "./join-schedule.ts";
import { admitInWindow } from "./windows.ts";

const W = 1000;
const policy = fc.record({
  quota: fc.integer({ min: 1, max: 50 }),
  windowMs: fc.constantFrom(W, 1050, 60_000),
});
// arrival times, ascending, with runs of simultaneous requests
const arrivals = fc.array(fc.nat({ max: 700 }), { maxLength: 300 }).map((gaps) => {
  let time = 1_000_000;
  return gaps.map((gap) => (time += gap % 5 === 0 ? 0 : gap));
});

/** Whether no `windowMs` (half-open, as the emulator counts) holds more than `quota` of `times` (ascending). */
const withinWindows = (times: readonly number[], quota: number, windowMs: number) =>
  times.every((time, index) => index < quota || time - (times[index - quota] ?? 0) >= windowMs);

function runWindow(times: readonly number[], p: { quota: number; windowMs: number }) {
  let log: number[] = [];
  const admitted: number[] = [];
  const refused: number[] = [];
  for (const time of times) {
    const result = admitInWindow(log, p, time, true);
    log = result.times;
    (result.decision.allowed ? admitted : refused).push(time);
  }
  return { admitted, refused };
}

describe("sliding window", () => {
  it("admits min(N, L) of N simultaneous requests", ({ expect }) => {
    fc.assert(
      fc.property(policy, fc.nat({ max: 300 }), (p, n) => {
        expect(runWindow(Array<number>(n).fill(5000), p).admitted).toHaveLength(Math.min(n, p.quota));
      }),
    );
  });

  it("never admits more than L in any window, and refuses only when L were admitted in the window", ({
    expect,
  }) => {
    fc.assert(
      fc.property(policy, arrivals, (p, times) => {
        const { admitted, refused } = runWindow(times, p);
        expect(withinWindows(admitted, p.quota, p.windowMs)).toBe(true);
        for (const time of refused) {
          expect(admitted.filter((t) => t > time - p.windowMs && t <= time).length).toBe(p.quota);
        }
      }),
    );
  });

  it("refuses the third join at 0, 0 and 0.55 s (the finding a token bucket missed), admits it at 1 s", ({
    expect,
  }) => {
    const p = { quota: 2, windowMs: W };
    expect(runWindow([0, 0, 550], p).refused).toEqual([550]);
    const { decision } = admitInWindow([0, 0], p, 550, true);
    expect(decision.retryAfterMs).toBe(450);
    expect(runWindow([0, 0, 1000], p).refused).toEqual([]);
  });

  it("admits nothing more when the clock steps back", ({ expect }) => {
    fc.assert(
      fc.property(
        policy,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        (p, now, back) => {
          let log: number[] = [];
          for (let i = 0; i < p.quota; i++) log = admitInWindow(log, p, now, true).times;
          expect(admitInWindow(log, p, now - back, true).decision.allowed).toBe(false);
        },
      ),
    );
  });
});

const channel = (name: string): ChannelSeed => ({
  name,
  arn: `arn:aws:kinesisvideo:us-west-2:111122223333:channel/${name}/1`,
  region: "us-west-2",
  account: "111122223333",
  mediaStorage: true,
  creationTime: 1,
});

describe("the proxy counts as the emulator (and AWS) count", () => {
  it("every join the proxy admits, arriving up to the margin later, is admitted by the emulator", ({
    expect,
  }) => {
    const margin = 50;
    // ~100 joins/s from two tenants and newcomers on few or many channels: the account's 50, the held join and the
    // channels' 2 are all reached
    const scenario = fc.record({
      channels: fc.constantFrom(3, 60),
      joins: fc.array(
        fc.record({
          gap: fc.nat({ max: 20 }),
          tenant: fc.nat({ max: 29 }).map((n) => (n === 0 ? "newcomer" : n % 2 === 0 ? "a" : "b")),
          channel: fc.nat({ max: 59 }),
          delay: fc.nat({ max: margin }),
        }),
        { maxLength: 600 },
      ),
    });
    fc.assert(
      fc.property(scenario, ({ channels, joins }) => {
        let state: AccountJoins | undefined;
        let time = 0;
        const delivered: { at: number; channel: ChannelSeed }[] = [];
        for (const join of joins) {
          time += join.gap;
          const name = `c${join.channel % channels}`;
          // each newcomer is a tenant never seen before, so the held join is taken too
          const tenant = join.tenant === "newcomer" ? `newcomer-${time}` : join.tenant;
          const request = { tenant, weight: 1, channel: name, channelQuota: 2 };
          const result = scheduleJoin(state, request, { quota: 50, windowMs: W + margin }, time);
          state = result.state;
          if (result.decision.allowed) delivered.push({ at: time + join.delay, channel: channel(name) });
        }
        const emulator = createOperationLimits();
        delivered.sort((a, b) => a.at - b.at);
        for (const call of delivered) expect(emulator.admitCall("master", call.channel, call.at)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it("lets a newcomer take the held join of a full window, and nobody the one after it", ({ expect }) => {
    const request = (tenant: string, n: number) => ({ tenant, weight: 1, channel: `c${n}`, channelQuota: 2 });
    let state: AccountJoins | undefined;
    const decide = (tenant: string, n: number, at: number) => {
      const result = scheduleJoin(state, request(tenant, n), { quota: 50, windowMs: W }, at);
      state = result.state;
      return result.decision.allowed;
    };
    const regular = Array.from({ length: 60 }, (_, n) => decide("regular", n, 0));
    expect(regular.filter(Boolean)).toHaveLength(49);
    expect([decide("first", 1000, 10), decide("second", 1001, 10), decide("third", 1002, 999)]).toEqual([
      true,
      false,
      false,
    ]);
    expect(decide("third", 1002, 1000)).toBe(true);
  });
});

interface Arrival {
  readonly at: number;
  readonly request: JoinRequest;
}

function runJoins(list: readonly Arrival[], quota: number) {
  let state: AccountJoins | undefined;
  return list.map(({ at, request }) => {
    const result = scheduleJoin(state, request, { quota, windowMs: W }, at);
    state = result.state;
    return { at, request, allowed: result.decision.allowed };
  });
}

describe("fair sharing of an account", () => {
  const flood = (tenant: string, weight: number) =>
    fc
      .array(fc.record({ at: fc.nat({ max: 6000 }), channel: fc.nat({ max: 30 }) }), {
        minLength: 50,
        maxLength: 600,
      })
      .map((list) =>
        list.map(({ at, channel: c }) => ({
          at,
          request: { tenant, weight, channel: `${tenant}-${c}`, channelQuota: 2 },
        })),
      );

  it("never admits more than the account's or a channel's quota in any window", ({ expect }) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), flood("a", 1), flood("b", 3), (quota, a, b) => {
        const decided = runJoins(
          [...a, ...b].sort((x, y) => x.at - y.at),
          quota,
        );
        const admitted = decided.filter((d) => d.allowed);
        expect(
          withinWindows(
            admitted.map((d) => d.at),
            quota,
            W,
          ),
        ).toBe(true);
        for (const name of new Set(admitted.map((d) => d.request.channel))) {
          const times = admitted.filter((d) => d.request.channel === name).map((d) => d.at);
          expect(withinWindows(times, 2, W)).toBe(true);
        }
      }),
    );
  });

  const scenario = fc
    .record({
      quota: fc.integer({ min: 10, max: 60 }),
      weights: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      steadyWeight: fc.integer({ min: 1, max: 4 }),
      later: fc.nat({ max: 2000 }),
      rate: fc.nat({ max: 100 }),
      seed: fc.nat(),
    })
    .map(({ quota, weights, steadyWeight, ...rest }) => {
      // the steady tenant's share of what is not held for newcomers (one join of a quota of 10 or more)
      const share = ((quota - 1) * steadyWeight) / (steadyWeight + weights.reduce((a, b) => a + b, 0));
      return { quota, weights, steadyWeight, share, ...rest };
    })
    .filter(({ share }) => share >= 2);

  /** A steady tenant asking for less than its share from `steadyFrom`, and floods from `floodFrom` on. */
  function steadyAmongFloods(
    {
      quota,
      weights,
      steadyWeight,
      share,
      rate,
      seed,
    }: { quota: number; weights: number[]; steadyWeight: number; share: number; rate: number; seed: number },
    steadyFrom: number,
    floodFrom: number,
  ) {
    const perWindow = 1 + (rate % Math.max(1, Math.floor(share) - 1));
    const period = Math.ceil(W / perWindow) + 1;
    const list: Arrival[] = [];
    for (let at = steadyFrom; at < 8000; at += period) {
      list.push({
        at,
        request: { tenant: "steady", weight: steadyWeight, channel: "s", channelQuota: quota },
      });
    }
    // every other tenant floods: a request every 1–3 ms on spread channels
    let random = seed;
    for (const [index, weight] of weights.entries()) {
      for (let at = floodFrom; at < 8000; at += 1 + (random % 3)) {
        random = (random * 1103515245 + 12345) % 2 ** 31;
        list.push({
          at,
          request: { tenant: `flood-${index}`, weight, channel: `f${random % 97}`, channelQuota: quota },
        });
      }
    }
    // at the same millisecond the steady tenant's request is decided first
    list.sort((x, y) => x.at - y.at || (x.request.tenant < y.request.tenant ? 1 : -1));
    return runJoins(list, quota).filter((d) => d.request.tenant === "steady");
  }

  it("admits every request of a tenant asking steadily within its share, whenever others start flooding", ({
    expect,
  }) => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(steadyAmongFloods(s, 0, s.later).filter((d) => !d.allowed)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("admits a tenant arriving during a flood at once, and every steady request one window later", ({
    expect,
  }) => {
    fc.assert(
      fc.property(scenario, (s) => {
        const steady = steadyAmongFloods(s, s.later, 0);
        expect(steady[0]?.allowed).toBe(true);
        expect(steady.filter((d) => !d.allowed && d.at >= s.later + W)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("keeps one join a window per tenant when more tenants ask than a window holds: a flood takes no more", ({
    expect,
  }) => {
    const list: Arrival[] = [];
    for (let at = 0; at < 6000; at += 1) {
      list.push({ at, request: { tenant: "flood", weight: 1, channel: `f${at % 97}`, channelQuota: 2 } });
    }
    // 20 tenants asking every 400 ms, staggered
    for (let tenant = 0; tenant < 20; tenant++) {
      for (let at = tenant * 20; at < 6000; at += 400) {
        list.push({
          at,
          request: { tenant: `t${tenant}`, weight: 1, channel: `t${tenant}`, channelQuota: 2 },
        });
      }
    }
    list.sort((x, y) => x.at - y.at);
    const decided = runJoins(list, 10).filter((d) => d.allowed && d.at >= 3000 && d.at < 5000);
    const flood = decided.filter((d) => d.request.tenant === "flood").length;
    expect(flood).toBeLessThanOrEqual(2);
    expect(decided.length - flood).toBeGreaterThanOrEqual(14);
  });

  it("says how long a borrower's refusal holds: until another tenant's ask crosses a window", ({
    expect,
  }) => {
    const list: Arrival[] = [{ at: 0, request: { tenant: "b", weight: 1, channel: "b", channelQuota: 2 } }];
    for (let at = 500; at < 700; at += 1) {
      list.push({ at, request: { tenant: "a", weight: 1, channel: `a${at % 97}`, channelQuota: 2 } });
    }
    let state: AccountJoins | undefined;
    let refusal: { at: number; holdsForMs?: number } | undefined;
    for (const { at, request } of list) {
      const result = scheduleJoin(state, request, { quota: 10, windowMs: W }, at);
      state = result.state;
      if (!result.decision.allowed && refusal === undefined) refusal = { at, ...result.decision };
    }
    // b asked at 0: that ask leaves the last window at 1000, the first moment a's share can change
    expect(refusal?.holdsForMs).toBe(1000 - (refusal?.at ?? 0));
  });

  it("keeps the held join from a tenant that asked lately, for a newcomer", ({ expect }) => {
    const list: Arrival[] = [];
    for (let at = 0; at < 2000; at += 1) {
      list.push({ at, request: { tenant: "flood", weight: 1, channel: `f${at % 97}`, channelQuota: 2 } });
    }
    const steady = (at: number, n: number) => ({
      at,
      request: { tenant: "steady", weight: 1, channel: `s${n}`, channelQuota: 2 },
    });
    list.push(steady(0, 0), ...[1, 2, 3, 4, 5, 6].map((n) => steady(500, n)));
    list.push({ at: 600, request: { tenant: "newcomer", weight: 1, channel: "n", channelQuota: 2 } });
    // at the same millisecond, the steady tenant and the newcomer ask before the flood
    list.sort((x, y) => x.at - y.at || (x.request.tenant === "flood" ? 1 : -1));
    const decided = runJoins(list, 10);
    expect(decided.find((d) => d.request.tenant === "newcomer")?.allowed).toBe(true);
  });

  it("lets a tenant alone use all but the join held for newcomers, and floods share by weight", ({
    expect,
  }) => {
    const list: Arrival[] = [];
    for (let at = 0; at < 10_000; at += 1) {
      list.push({ at, request: { tenant: "a", weight: 1, channel: `a${at % 97}`, channelQuota: 2 } });
      if (at >= 5000)
        list.push({ at, request: { tenant: "b", weight: 3, channel: `b${at % 97}`, channelQuota: 2 } });
    }
    const decided = runJoins(list, 40).filter((d) => d.allowed);
    const inSecond = (tenant: string, from: number) =>
      decided.filter((d) => d.request.tenant === tenant && d.at >= from && d.at < from + W).length;
    expect(inSecond("a", 3000)).toBe(39);
    // 39 shared 1:3 is 9.75 and 29.25: each its whole joins, and the last one to whoever asks first
    expect(inSecond("a", 8000) + inSecond("b", 8000)).toBe(39);
    expect(inSecond("a", 8000)).toBeGreaterThanOrEqual(9);
    expect(inSecond("b", 8000)).toBeGreaterThanOrEqual(29);
  });
});
