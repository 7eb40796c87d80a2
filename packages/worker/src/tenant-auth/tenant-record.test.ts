import { env, reset } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type FakeUpstream, fakeUpstream } from "../../test/support/fake-upstream.ts";
import { putTenant } from "../../test/support/tenants.ts";
import { post, testEnv } from "../../test/support/worker.ts";
import { authorize, matchesGlob, parseTenantRecord, type Role, type TenantRecord } from "./tenant-record.ts";

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
  partition: fc.constantFrom(undefined, "aws", "aws-cn"),
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
  partition: fc.constantFrom("aws", "aws-cn"),
  accountId: fc.constantFrom(...ACCOUNTS),
  region: fc.constantFrom(...REGIONS),
  channelName,
  role,
});

const inAcl = (
  tenant: Pick<TenantRecord, "channels" | "roles">,
  t: { partition: string; accountId: string; region: string; channelName: string; role: Role },
) =>
  tenant.roles.includes(t.role) &&
  tenant.channels.some(
    (g) =>
      (g.partition ?? "aws") === t.partition &&
      g.accountId === t.accountId &&
      g.region === t.region &&
      reference(g.channelName, t.channelName),
  );

const arnOf = (t: { partition: string; accountId: string; region: string; channelName: string }) =>
  `arn:${t.partition}:kinesisvideo:${t.region}:${t.accountId}:channel/${t.channelName}/1700000000000`;

describe("tenant records", () => {
  const valid = {
    tenantId: "acme",
    keyHashes: ["A".repeat(43)],
    channels: [{ accountId: "111122223333", region: "us-west-2", channelName: "acme-*" }],
    roles: ["MASTER"],
    disabled: false,
  };
  const origins = (n: number) => Array.from({ length: n }, (_, i) => `https://app${i}.acme.com`);

  it.for([
    ["two keys", { keyHashes: ["A".repeat(43), "B".repeat(43)] }],
    [
      "limits at their bounds",
      { limits: { joinPerSecond: 1, deviceSessionPerSecond: 1000, accountShareWeight: 100 } },
    ],
    [
      "a grant naming its partition",
      {
        channels: [
          { partition: "aws-cn", accountId: "111122223333", region: "cn-north-1", channelName: "a" },
        ],
      },
    ],
    ["32 origins", { origins: origins(32) }],
  ] as const)("accepts %s", ([, change], { expect }) => {
    expect(parseTenantRecord({ ...valid, ...change })).toBeDefined();
  });

  it.for([
    ["no key", { keyHashes: [] }],
    ["three keys", { keyHashes: ["A", "B", "C"].map((c) => c.repeat(43)) }],
    ["a hash of another length", { keyHashes: ["A".repeat(44)] }],
    ["a limit of 0", { limits: { joinPerSecond: 0 } }],
    ["a fractional limit", { limits: { joinPerSecond: 1.5 } }],
    ["a limit over 1000", { limits: { deviceSessionPerSecond: 1001 } }],
    ["an account share weight of 0", { limits: { accountShareWeight: 0 } }],
    ["an account share weight over 100", { limits: { accountShareWeight: 101 } }],
    [
      "a partition that is no AWS partition's shape",
      { channels: [{ partition: "gcp", accountId: "111122223333", region: "us-west-2", channelName: "a" }] },
    ],
    ["33 origins", { origins: origins(33) }],
    ["an invalid origin pattern", { origins: ["https://*.com"] }],
    ["an unknown role", { roles: ["ADMIN"] }],
    ["a bad account", { channels: [{ accountId: "1", region: "us-west-2", channelName: "a" }] }],
  ] as const)("refuses %s", ([, change], { expect }) => {
    expect(parseTenantRecord({ ...valid, ...change })).toBeUndefined();
  });
});

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
        const channel = { arn: arnOf(t), resourceType: "channel", creationTime: 1, ...t };
        expect(authorize(tenant, channel, t.role).ok).toBe(inAcl(tenant, t));
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
      // through the Worker only well-formed ARNs: an `aws` partition for these regions
      await fc.assert(
        fc.asyncProperty(tenantShape, target, async (shape, generated) => {
          const t = { ...generated, partition: "aws" };
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
