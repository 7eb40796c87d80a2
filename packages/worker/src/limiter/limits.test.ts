import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, it, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { brokenLimiter, countingLimiter } from "../../test/support/limiters.ts";
import { CHANNELS, putTenant } from "../../test/support/tenants.ts";
import { post, refusingEnv as testEnv } from "../../test/support/worker.ts";
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

// the demo channels' account and region: the object deciding their joins
const accountObject = () => env.LIMITER.getByName("account:us-west-2:111122223333");

describe("per-channel window", () => {
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
    // the window is 1 s plus the 50 ms margin: the next join fits in 1.05 s, announced as 2 whole seconds
    expect(refused.headers.get("Retry-After")).toBe("2");
    expect(refused.headers.get("RateLimit-Policy")).toBe('"channel";q=2;w=1');
    expect(refused.headers.get("RateLimit")).toBe('"channel";r=0;t=2');
    const fields = `${refused.headers.get("RateLimit-Policy")} ${refused.headers.get("RateLimit")}`;
    expect(fields).not.toMatch(/acme|arn:|pk=/);
  });

  it("counts as AWS does: joins at 0, 0 and 0.55 s admit only two, a third fits once the window has passed", async ({
    expect,
  }) => {
    const bindings = testEnv({ LIMIT_WINDOW_MARGIN_MS: "0" });
    expect(await statuses([join(bindings), join(bindings)])).toEqual([200, 200]);
    vi.setSystemTime(START + 550);
    expect((await join(bindings)).status).toBe(429);
    vi.setSystemTime(START + 999);
    expect((await join(bindings)).status).toBe(429);
    vi.setSystemTime(START + 1000);
    expect(await statuses([join(bindings), join(bindings)])).toEqual([200, 200]);
    expect((await join(bindings)).status).toBe(429);
  });

  it("keeps the margin beyond each second, so AWS never sees L+1 in its second", async ({ expect }) => {
    const bindings = testEnv({ LIMIT_WINDOW_MARGIN_MS: "50" });
    await statuses([join(bindings), join(bindings)]);
    vi.setSystemTime(START + 1049);
    expect((await join(bindings)).status).toBe(429);
    vi.setSystemTime(START + 1050);
    expect((await join(bindings)).status).toBe(200);
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

const arnIn = (region: string, name: string) =>
  `arn:aws:kinesisvideo:${region}:111122223333:channel/${name}/1`;

describe("per-account cap", () => {
  it("caps joins across all channels of one AWS account and region", async ({ expect }) => {
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "3" });
    const arns = ["a", "b", "c", "d", "e"].map((suffix) => arnIn("us-west-2", `demo-camera-${suffix}`));
    const responses = [];
    for (const arn of arns) responses.push(await join(bindings, arn));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429, 429]);
    expect(responses[3]?.headers.get("RateLimit-Policy")).toBe('"account";q=3;w=1');
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(3);
  });

  it("counts each region apart, as AWS's quotas are regional", async ({ expect }) => {
    key = await putTenant(env, "global", {
      channels: [
        { accountId: "111122223333", region: "us-west-2", channelName: "*" },
        { accountId: "111122223333", region: "eu-west-1", channelName: "*" },
      ],
    });
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1" });
    expect((await join(bindings, arnIn("us-west-2", "a"))).status).toBe(200);
    expect((await join(bindings, arnIn("us-west-2", "b"))).status).toBe(429);
    expect((await join(bindings, arnIn("eu-west-1", "a"))).status).toBe(200);
  });
});

describe("refusals known in the isolate", () => {
  it("answers a full channel's repeats here until its window has room, then asks again", async ({
    expect,
  }) => {
    const { asked, namespace } = countingLimiter();
    const bindings = testEnv({ LIMITER: namespace });
    expect(await statuses([join(bindings), join(bindings), join(bindings)])).toEqual([200, 200, 429]);
    const before = asked.length;
    const repeats = await statuses(Array.from({ length: 20 }, () => join(bindings)));
    expect(repeats.every((status) => status === 429)).toBe(true);
    expect(asked.length).toBe(before);
    const refused = await join(bindings);
    expect(refused.headers.get("Retry-After")).toBe("2");
    vi.setSystemTime(START + 1050);
    expect((await join(bindings)).status).toBe(200);
    expect(asked.length).toBe(before + 1);
  });

  it("answers a borrowing tenant's repeats here, and still asks for another tenant", async ({ expect }) => {
    const { asked, namespace } = countingLimiter();
    const bindings = testEnv({ LIMITER: namespace, ACCOUNT_JOIN_LIMIT_PER_SECOND: "10" });
    const other = await putTenant(env, "other", {
      channels: [{ accountId: "111122223333", region: "us-west-2", channelName: "other-*" }],
    });
    // acme alone: 9 of 10 (one held for a newcomer), then refused while borrowing
    const arns = Array.from({ length: 12 }, (_, i) => arnIn("us-west-2", `demo-camera-${i}`));
    const first = [];
    for (const arn of arns) first.push((await join(bindings, arn)).status);
    expect(count(first, 200)).toBe(9);
    const before = asked.length;
    expect((await join(bindings, arnIn("us-west-2", "demo-camera-99"))).status).toBe(429);
    expect(asked.length).toBe(before);
    // the newcomer is asked about, and admitted to the held join
    const theirs = await post(
      bindings,
      "/joinStorageSession",
      { channelArn: arnIn("us-west-2", "other-1") },
      other,
    );
    expect(theirs.status).toBe(200);
    expect(asked.length).toBe(before + 1);
  });
});

describe("refusals known in the isolate: what they never cover", () => {
  it("another channel, or the same channel under another tenant's quota, still asks the object", async ({
    expect,
  }) => {
    const { asked, namespace } = countingLimiter();
    const bindings = testEnv({ LIMITER: namespace, JOIN_LIMIT_PER_SECOND: "3" });
    expect(count(await statuses(Array.from({ length: 4 }, () => join(bindings))), 200)).toBe(3);
    const before = asked.length;
    expect((await join(bindings, CHANNELS.demoCamera2)).status).toBe(200);
    expect(asked.length).toBe(before + 1);
    key = await putTenant(env, "slow", { limits: { joinPerSecond: 1 } });
    expect((await join(bindings)).status).toBe(429);
    expect(asked.length).toBe(before + 2);
  });

  it("a tenant refused within its share asks the object again at once", async ({ expect }) => {
    const { asked, namespace } = countingLimiter();
    const bindings = testEnv({ LIMITER: namespace, ACCOUNT_JOIN_LIMIT_PER_SECOND: "10" });
    for (let i = 0; i < 12; i++) await join(bindings, arnIn("us-west-2", `demo-camera-${i}`));
    const other = await putTenant(env, "other", {
      channels: [{ accountId: "111122223333", region: "us-west-2", channelName: "other-*" }],
    });
    const theirs = (n: number) =>
      post(bindings, "/joinStorageSession", { channelArn: arnIn("us-west-2", `other-${n}`) }, other);
    // the newcomer takes the held join; the window is then full, and its next join is refused within its share
    expect((await theirs(1)).status).toBe(200);
    const before = asked.length;
    expect((await theirs(2)).status).toBe(429);
    expect((await theirs(3)).status).toBe(429);
    expect(asked.length).toBe(before + 2);
  });
});

describe("the object's windows", () => {
  it("record a failure in all of its windows or in none", async ({ expect }) => {
    const stub = env.LIMITER.getByName("auth:203.0.113.80");
    const full = { bucket: "failures", policy: { quota: 1, windowMs: 60_000 } };
    const pair = (n: number) => ({ bucket: `key:k${n}`, policy: { quota: 5, windowMs: 60_000 } });
    expect((await stub.take([full, pair(1)])).map((d) => d.allowed)).toEqual([true, true]);
    expect((await stub.take([full, pair(2)])).map((d) => d.allowed)).toEqual([false, true]);
    const rows = await runInDurableObject(stub, (_instance: RateLimiter, state) =>
      state.storage.sql.exec<{ name: string }>("SELECT name FROM windows ORDER BY name").toArray(),
    );
    expect(rows.map((row) => row.name)).toEqual(["failures", "key:k1"]);
  });
});

describe("durability", () => {
  it("keeps the window across eviction: 7 of 10 used, then only 3 more", async ({ expect }) => {
    const bindings = testEnv({ JOIN_LIMIT_PER_SECOND: "10" });
    expect(count(await statuses(Array.from({ length: 7 }, () => join(bindings))), 200)).toBe(7);
    await evictDurableObject(accountObject());
    const after = await statuses(Array.from({ length: 10 }, () => join(bindings)));
    expect(count(after, 200)).toBe(3);
    const stored = await runInDurableObject(accountObject(), (_instance: RateLimiter, state) =>
      state.storage.sql.exec("SELECT * FROM joins WHERE bucket = 'join:MASTER'").toArray(),
    );
    expect(stored).toHaveLength(10);
  });
});

describe("storage hygiene", () => {
  it("keeps one cleanup alarm for a busy object instead of one per decision", async ({ expect }) => {
    const bindings = testEnv();
    const stub = accountObject();
    const alarmAt = () =>
      runInDurableObject(stub, (_instance: RateLimiter, state) => state.storage.getAlarm());
    expect((await join(bindings)).status).toBe(200);
    const first = await alarmAt();
    vi.setSystemTime(START + 1000);
    expect((await join(bindings)).status).toBe(200);
    expect(first).toBe(START + 10 * 60_000);
    expect(await alarmAt()).toBe(first);
  });

  it("drops emptied windows on its alarm and keeps serving afterwards", async ({ expect }) => {
    const bindings = testEnv();
    await statuses([join(bindings), join(bindings)]);
    const stub = accountObject();
    // joins are kept as history for 10 s, then nothing is left
    vi.setSystemTime(START + 10_001);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const rows = await runInDurableObject(stub, (_instance: RateLimiter, state) =>
      state.storage.sql.exec("SELECT name FROM windows UNION ALL SELECT bucket FROM joins").toArray(),
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
      // a join asks its account's object once: no retry
      expect(broken.stubs()).toBe(1);
      expect(upstream.calls).toHaveLength(0);
    },
  );

  it("retries a retryable limiter error once, on a new stub, then fails closed", async ({ expect }) => {
    const broken = brokenLimiter("retryable");
    const response = await join(testEnv({ LIMITER: broken.namespace }));
    expect(response.status).toBe(503);
    // the account's object, tried twice
    expect(broken.stubs()).toBe(2);
  });
});
