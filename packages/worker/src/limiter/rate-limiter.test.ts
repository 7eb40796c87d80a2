import fc from "fast-check";
import { describe, it } from "vitest";
import { type BucketState, decide } from "./rate-limiter.ts";

describe("token bucket", () => {
  const policy = fc.record({ quota: fc.integer({ min: 1, max: 50 }), windowSeconds: fc.constantFrom(1, 60) });

  it("admits min(N, L) of N simultaneous requests", ({ expect }) => {
    fc.assert(
      fc.property(policy, fc.nat({ max: 300 }), fc.integer({ min: 0, max: 2 ** 40 }), (p, n, now) => {
        let state: BucketState | undefined;
        let admitted = 0;
        for (let i = 0; i < n; i++) {
          const result = decide(state, p, now, true);
          state = result.state;
          if (result.decision.allowed) admitted++;
        }
        expect(admitted).toBe(Math.min(n, p.quota));
      }),
    );
  });

  it("never admits more than L + L·d/W in any interval of length d, whatever the arrival times", ({
    expect,
  }) => {
    const arrivals = fc.array(fc.nat({ max: 5000 }), { maxLength: 200 }).map((gaps) => {
      let time = 0;
      return gaps.map((gap) => (time += gap % 7 === 0 ? 0 : gap));
    });
    fc.assert(
      fc.property(policy, arrivals, (p, times) => {
        let state: BucketState | undefined;
        const admittedAt: number[] = [];
        for (const time of times) {
          const result = decide(state, p, time, true);
          state = result.state;
          expect(result.state.tokens).toBeGreaterThanOrEqual(0);
          if (result.decision.allowed) admittedAt.push(time);
        }
        for (let i = 0; i < admittedAt.length; i++) {
          for (let j = i; j < admittedAt.length; j++) {
            const span = (admittedAt[j] ?? 0) - (admittedAt[i] ?? 0);
            expect(j - i + 1).toBeLessThanOrEqual(
              p.quota + Math.floor((p.quota * span) / (p.windowSeconds * 1000)) + 1e-9,
            );
          }
        }
      }),
    );
  });

  it("mints no tokens when the clock steps back", ({ expect }) => {
    fc.assert(
      fc.property(
        policy,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        (p, now, back) => {
          let state: BucketState | undefined;
          for (let i = 0; i < p.quota; i++) state = decide(state, p, now, true).state;
          expect(decide(state, p, now - back, true).decision.allowed).toBe(false);
        },
      ),
    );
  });
});
