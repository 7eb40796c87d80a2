import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, it, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { brokenLimiter } from "../../test/support/limiters.ts";
import { CHANNELS, putTenant } from "../../test/support/tenants.ts";
import { post, testEnv } from "../../test/support/worker.ts";
import type { Env } from "../env.ts";
import type { RateLimiter } from "./rate-limiter.ts";

const START = Date.UTC(2030, 0, 1);
let upstream: FakeUpstream;
let key: string;
frozenProxy(START, (fake, tenantKey) => {
  upstream = fake;
  key = tenantKey;
});

const join = (bindings: Env, channelArn: string = CHANNELS.demoCamera) =>
  post(bindings, "/joinStorageSession", { channelArn }, key);

async function statuses(responses: Promise<Response>[]): Promise<number[]> {
  return (await Promise.all(responses)).map((response) => response.status);
}

const count = (list: number[], status: number) => list.filter((value) => value === status).length;

describe("per-channel token bucket", () => {
  it.for([
    [2, 20],
    [10, 200],
  ] as const)(
    "admits exactly L=%i of %i concurrent joins and forwards only those",
    async ([limit, n], { expect }) => {
      const bindings = testEnv({ JOIN_LIMIT_PER_SECOND: String(limit) });
      const results = await statuses(Array.from({ length: n }, () => join(bindings)));
      expect(count(results, 200)).toBe(limit);
      expect(count(results, 429)).toBe(n - limit);
      expect(upstream.callsTo("/joinStorageSession")).toHaveLength(limit);
    },
  );

  it("answers 429 with Retry-After and IETF fields naming no tenant or ARN", async ({ expect }) => {
    const bindings = testEnv();
    await statuses([join(bindings), join(bindings)]);
    const refused = await join(bindings);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-amzn-ErrorType")).toBe("ClientLimitExceededException");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(1);
    expect(refused.headers.get("RateLimit-Policy")).toBe('"channel";q=2;w=1');
    const [, t] = /^"channel";r=0;t=(\d+)$/.exec(refused.headers.get("RateLimit") ?? "") ?? [];
    expect(Number(t)).toBeLessThanOrEqual(retryAfter);
    const fields = `${refused.headers.get("RateLimit-Policy")} ${refused.headers.get("RateLimit")}`;
    expect(fields).not.toMatch(/acme|arn:|pk=/);
  });

  it("refills at the configured rate: one more token 500 ms later, none before", async ({ expect }) => {
    const bindings = testEnv();
    await statuses([join(bindings), join(bindings)]);
    vi.setSystemTime(START + 499);
    expect((await join(bindings)).status).toBe(429);
    vi.setSystemTime(START + 500);
    expect((await join(bindings)).status).toBe(200);
    expect((await join(bindings)).status).toBe(429);
  });

  it("isolates channels: saturating one leaves another's budget intact", async ({ expect }) => {
    const bindings = testEnv();
    const saturated = await statuses(Array.from({ length: 50 }, () => join(bindings, CHANNELS.demoCamera)));
    const other = await statuses(Array.from({ length: 5 }, () => join(bindings, CHANNELS.demoCamera2)));
    expect(count(saturated, 200)).toBe(2);
    expect(count(other, 200)).toBe(2);
  });

  it("lets a tenant's own limit only lower the channel budget", async ({ expect }) => {
    key = await putTenant(env, "slow", { limits: { joinPerSecond: 1 } });
    const bindings = testEnv({ JOIN_LIMIT_PER_SECOND: "5" });
    expect(count(await statuses(Array.from({ length: 5 }, () => join(bindings))), 200)).toBe(1);
    key = await putTenant(env, "greedy", { limits: { joinPerSecond: 50 } });
    expect(
      count(await statuses(Array.from({ length: 10 }, () => join(bindings, CHANNELS.demoCamera2))), 200),
    ).toBe(5);
  });

  it("counts master and viewer joins apart, as AWS does: viewers never spend the master's budget", async ({
    expect,
  }) => {
    const bindings = testEnv();
    const viewerJoin = (clientId: string) =>
      post(bindings, "/joinStorageSessionAsViewer", { channelArn: CHANNELS.demoCamera, clientId }, key);
    const viewers = await statuses(["v1", "v2", "v3", "v4", "v5"].map(viewerJoin));
    expect(count(viewers, 200)).toBe(2);
    expect(await statuses([join(bindings), join(bindings), join(bindings)])).toEqual([200, 200, 429]);
    const sessions = (role: string, clientId?: string) =>
      post(bindings, "/v1/device-session", { channelArn: CHANNELS.demoCamera, role, clientId }, key);
    expect(count(await statuses(Array.from({ length: 5 }, () => sessions("VIEWER", "v1"))), 200)).toBe(3);
    expect((await sessions("MASTER")).status).toBe(200);
  });

  it("limits device sessions separately (3/s by default)", async ({ expect }) => {
    const bindings = testEnv();
    const body = { channelArn: CHANNELS.demoCamera, role: "MASTER" };
    const results = await statuses(
      Array.from({ length: 8 }, () => post(bindings, "/v1/device-session", body, key)),
    );
    expect(count(results, 200)).toBe(3);
    expect((await join(bindings)).status).toBe(200);
  });
});

describe("per-account cap", () => {
  it("caps joins across all channels of one AWS account", async ({ expect }) => {
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "3" });
    const arns = ["a", "b", "c", "d", "e"].map(
      (suffix) => `arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera-${suffix}/1`,
    );
    const responses = [];
    for (const arn of arns) responses.push(await join(bindings, arn));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429, 429]);
    expect(responses[3]?.headers.get("RateLimit-Policy")).toBe('"account";q=3;w=1');
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(3);
  });
});

describe("refusals cost no quota", () => {
  it("gives the channel token back when the account cap refuses", async ({ expect }) => {
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1" });
    expect((await join(bindings, CHANNELS.demoCamera)).status).toBe(200);
    expect((await join(bindings, CHANNELS.demoCamera2)).status).toBe(429);
    const channel = env.LIMITER.getByName(`channel:${CHANNELS.demoCamera2}`);
    const left = await channel.peek("join:MASTER", { quota: 2, windowSeconds: 1 });
    expect(left.remaining).toBe(2);
  });

  it("gives the channel token back when the account's limiter fails", async ({ expect }) => {
    const broken = brokenLimiter("throw");
    const accountBroken = {
      getByName: (name: string) =>
        name.startsWith("account:") ? broken.namespace.getByName(name) : env.LIMITER.getByName(name),
    } as unknown as DurableObjectNamespace<RateLimiter>;
    const failing = testEnv({ LIMITER: accountBroken });
    for (let i = 0; i < 3; i++) expect((await join(failing)).status).toBe(503);
    const channel = env.LIMITER.getByName(`channel:${CHANNELS.demoCamera}`);
    expect((await channel.peek("join:MASTER", { quota: 2, windowSeconds: 1 })).remaining).toBe(2);
    expect(upstream.calls).toHaveLength(0);
  });
});

describe("durability", () => {
  it("keeps the bucket across eviction: 7 of 10 used, then only 3 more", async ({ expect }) => {
    const bindings = testEnv({ JOIN_LIMIT_PER_SECOND: "10" });
    expect(count(await statuses(Array.from({ length: 7 }, () => join(bindings))), 200)).toBe(7);
    const stub = env.LIMITER.getByName(`channel:${CHANNELS.demoCamera}`);
    await evictDurableObject(stub);
    const after = await statuses(Array.from({ length: 10 }, () => join(bindings)));
    expect(count(after, 200)).toBe(3);
    const stored = await runInDurableObject(stub, (_instance: RateLimiter, state) =>
      state.storage.sql
        .exec<{ tokens: number }>("SELECT tokens FROM buckets WHERE name = 'join:MASTER'")
        .one(),
    );
    expect(stored.tokens).toBe(0);
  });
});

describe("storage hygiene", () => {
  it("keeps one cleanup alarm for a busy object instead of one per decision", async ({ expect }) => {
    const bindings = testEnv();
    const stub = env.LIMITER.getByName(`channel:${CHANNELS.demoCamera}`);
    const alarmAt = () =>
      runInDurableObject(stub, (_instance: RateLimiter, state) => state.storage.getAlarm());
    expect((await join(bindings)).status).toBe(200);
    const first = await alarmAt();
    vi.setSystemTime(START + 1000);
    expect((await join(bindings)).status).toBe(200);
    expect(first).toBe(START + 10 * 60_000);
    expect(await alarmAt()).toBe(first);
  });

  it("drops refilled buckets on its alarm and keeps serving afterwards", async ({ expect }) => {
    const bindings = testEnv();
    await statuses([join(bindings), join(bindings)]);
    const stub = env.LIMITER.getByName(`channel:${CHANNELS.demoCamera}`);
    vi.setSystemTime(START + 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const rows = await runInDurableObject(stub, (_instance: RateLimiter, state) =>
      state.storage.sql.exec("SELECT * FROM buckets").toArray(),
    );
    expect(rows).toHaveLength(0);
    expect((await join(bindings)).status).toBe(200);
  });
});

describe("fail closed", () => {
  it.for(["throw", "hang", "overloaded"] as const)(
    "answers 503 when the limiter objects %s",
    async (mode, { expect }) => {
      const broken = brokenLimiter(mode);
      const bindings = testEnv({ LIMITER: broken.namespace, LIMITER_TIMEOUT_MS: "20" });
      const response = await join(bindings);
      expect(response.status).toBe(503);
      expect(response.headers.get("Retry-After")).toBe("1");
      // a join asks its channel and account buckets together, each once: no retry
      expect(broken.stubs()).toBe(2);
      expect(upstream.calls).toHaveLength(0);
    },
  );

  it("retries a retryable limiter error once, on a new stub, then fails closed", async ({ expect }) => {
    const broken = brokenLimiter("retryable");
    const response = await join(testEnv({ LIMITER: broken.namespace }));
    expect(response.status).toBe(503);
    // channel and account bucket, each tried twice
    expect(broken.stubs()).toBe(4);
  });
});
