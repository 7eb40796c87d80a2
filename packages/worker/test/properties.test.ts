import { env, reset } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { authorize } from "../src/auth/authorize.ts";
import { matchesGlob } from "../src/auth/channel-glob.ts";
import type { Role, TenantRecord } from "../src/auth/tenant-record.ts";
import { type BucketState, decide } from "../src/limiter/token-bucket.ts";
import { type FakeUpstream, fakeUpstream } from "./support/fake-upstream.ts";
import { putTenant } from "./support/tenants.ts";
import { post, testEnv } from "./support/worker.ts";

const ACCOUNTS = ["111122223333", "444455556666"];
const REGIONS = ["us-west-2", "eu-west-1"];

/** Independent reference: the glob as an anchored regular expression. */
const reference = (pattern: string, name: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.-]/g, "\\$&"))
      .join(".*")}$`,
  ).test(name);

const channelName = fc.stringMatching(/^[ab.-]{1,4}$/);
const glob = fc.stringMatching(/^[ab.*-]{1,5}$/);
const grant = fc.record({
  accountId: fc.constantFrom(...ACCOUNTS),
  region: fc.constantFrom(...REGIONS),
  channelName: glob,
});
const role = fc.constantFrom<Role>("MASTER", "VIEWER");
const tenantShape = fc.record({
  channels: fc.array(grant, { maxLength: 3 }),
  roles: fc.uniqueArray(role, { maxLength: 2 }),
});
const target = fc.record({
  accountId: fc.constantFrom(...ACCOUNTS),
  region: fc.constantFrom(...REGIONS),
  channelName,
  role,
});

const inAcl = (
  tenant: Pick<TenantRecord, "channels" | "roles">,
  t: { accountId: string; region: string; channelName: string; role: Role },
) =>
  tenant.roles.includes(t.role) &&
  tenant.channels.some(
    (g) => g.accountId === t.accountId && g.region === t.region && reference(g.channelName, t.channelName),
  );

const arnOf = (t: { accountId: string; region: string; channelName: string }) =>
  `arn:aws:kinesisvideo:${t.region}:${t.accountId}:channel/${t.channelName}/1700000000000`;

describe("channel globs", () => {
  it("agree with an anchored regular expression", ({ expect }) => {
    fc.assert(
      fc.property(glob, channelName, (pattern, name) => {
        expect(matchesGlob(pattern, name)).toBe(reference(pattern, name));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("authorization (BOLA)", () => {
  it("admits exactly the ARNs and roles in the tenant's ACL", ({ expect }) => {
    fc.assert(
      fc.property(tenantShape, target, (shape, t) => {
        const tenant: TenantRecord = {
          tenantId: "t",
          keyHashes: ["x".repeat(43)],
          disabled: false,
          ...shape,
        };
        const channel = { arn: arnOf(t), partition: "aws", resourceType: "channel", creationTime: 1, ...t };
        expect(authorize(tenant, channel, t.role) === undefined).toBe(inAcl(tenant, t));
      }),
      { numRuns: 2000 },
    );
  });

  describe("through the Worker", () => {
    let upstream: FakeUpstream;
    beforeAll(() => {
      upstream = fakeUpstream();
    });
    afterAll(async () => {
      upstream.restore();
      await reset();
    });

    it("answers 200 exactly when the ARN is in the ACL, else 403, and forwards only admitted joins", async ({
      expect,
    }) => {
      const bindings = testEnv({ JOIN_LIMIT_PER_SECOND: "1000", ACCOUNT_JOIN_LIMIT_PER_SECOND: "1000" });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(tenantShape, target, async (shape, t) => {
          const key = await putTenant(env, `prop-${++run}`, shape);
          const before = upstream.calls.length;
          const path = t.role === "MASTER" ? "/joinStorageSession" : "/joinStorageSessionAsViewer";
          const body =
            t.role === "MASTER" ? { channelArn: arnOf(t) } : { channelArn: arnOf(t), clientId: "v" };
          const response = await post(bindings, path, body, key);
          expect(response.status).toBe(inAcl(shape, t) ? 200 : 403);
          expect(upstream.calls.length > before).toBe(inAcl(shape, t));
        }),
        { numRuns: 60 },
      );
    });
  });
});

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
