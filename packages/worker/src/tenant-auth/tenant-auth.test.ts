import { env } from "cloudflare:test";
import { describe, it, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { CHANNELS, putTenant, secretFor } from "../../test/support/tenants.ts";
import { post, testEnv } from "../../test/support/worker.ts";
import type { RateLimiter } from "../limiter/rate-limiter.ts";
import { hashSecret } from "./tenant-record.ts";

const bindings = testEnv({ AUTH_FAILURE_LIMIT_PER_MINUTE: "3" });
let upstream: FakeUpstream;
let key: string;

frozenProxy(Date.UTC(2030, 0, 1), (fake, tenantKey) => {
  upstream = fake;
  key = tenantKey;
});

const join = (
  bearer: string | undefined,
  headers: HeadersInit = {},
  channelArn: string = CHANNELS.demoCamera,
) => post(bindings, "/joinStorageSession", { channelArn }, bearer, headers);

describe("authentication", () => {
  it("admits a valid key and forwards once", async ({ expect }) => {
    expect((await join(key)).status).toBe(200);
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(1);
  });

  it.for([
    ["missing", undefined],
    ["malformed (no dot)", "acme"],
    ["malformed (short secret)", "acme.short"],
    ["malformed (bad key id)", `ACME.${secretFor("acme")}`],
    ["wrong secret", `acme.${secretFor("other")}`],
    ["unknown key id", `nobody.${secretFor("nobody")}`],
    ["another tenant's secret", `acme.${secretFor("globex")}`],
  ] as const)("answers the same 401 for a %s key", async ([, bearer], { expect }) => {
    const response = await join(bearer);
    expect(response.status).toBe(401);
    expect(response.headers.get("x-amzn-ErrorType")).toBe("NotAuthorizedException");
    expect(await response.json()).toEqual({
      message: "The tenant key or device token is missing or invalid.",
    });
    expect(upstream.calls).toHaveLength(0);
  });

  it("answers the same 401 for a disabled tenant", async ({ expect }) => {
    const disabled = await putTenant(env, "gone", { disabled: true });
    expect((await join(disabled)).status).toBe(401);
  });

  it("makes every refused key indistinguishable: same status, headers and body", async ({ expect }) => {
    const disabled = await putTenant(env, "gone", { disabled: true });
    const answers = new Set<string>();
    for (const [bearer, headers] of [
      [undefined, {}],
      ["acme", {}],
      [`acme.${secretFor("other")}`, {}],
      [`nobody.${secretFor("nobody")}`, {}],
      [disabled, {}],
      [undefined, { authorization: `Basic ${btoa("acme:x")}` }],
    ] as const) {
      const response = await join(bearer, headers);
      const kept = [...response.headers].filter(([name]) => name !== "x-amzn-requestid");
      answers.add(JSON.stringify([response.status, kept, await response.text()]));
    }
    expect(answers.size).toBe(1);
  });

  it("compares every secret slot in constant time, whoever the key names", async ({ expect }) => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual");
    const rotated = await putTenant(env, "rotated", {
      keyHashes: [
        await hashSecret("rotated-secret-0123456789abcdef"),
        await hashSecret(secretFor("rotated")),
      ],
    });
    const disabled = await putTenant(env, "gone", { disabled: true });
    try {
      for (const bearer of [
        `nobody.${secretFor("nobody")}`,
        `acme.${secretFor("other")}`,
        `rotated.${secretFor("other")}`,
        disabled,
        rotated,
        key,
      ]) {
        compare.mockClear();
        await join(bearer, {}, CHANNELS.demoCamera2);
        // the stored form: 43 base64url characters of SHA-256
        expect(compare.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength])).toEqual([
          [43, 43],
          [43, 43],
        ]);
      }
    } finally {
      compare.mockRestore();
    }
  });

  it("accepts both the current and the previous secret during rotation", async ({ expect }) => {
    await putTenant(env, "acme", {
      keyHashes: [await hashSecret("rotated-secret-0123456789abcdef"), await hashSecret(secretFor("acme"))],
    });
    expect((await join("acme.rotated-secret-0123456789abcdef")).status).toBe(200);
    expect((await join(key, {}, CHANNELS.demoCamera2)).status).toBe(200);
  });

  it("accepts the seeds' style, the key without a scheme, and nothing else without one", async ({
    expect,
  }) => {
    const bare = (authorization: string) =>
      post(bindings, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, undefined, {
        authorization,
      });
    expect((await bare(key)).status).toBe(200);
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(1);
    for (const refused of [
      `Token ${key}`,
      `Basic ${btoa(key)}`,
      ` ${key} extra`,
      `acme.${secretFor("other")}`,
    ]) {
      expect((await bare(refused)).status).toBe(401);
    }
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(1);
  });

  it("accepts the scheme case-insensitively, as RFC 9110 requires", async ({ expect }) => {
    const response = await post(
      bindings,
      "/joinStorageSession",
      { channelArn: CHANNELS.demoCamera },
      undefined,
      {
        authorization: `bearer ${key}`,
      },
    );
    expect(response.status).toBe(200);
  });
});

describe("authorization", () => {
  it("answers 403 for a channel outside the tenant's grants", async ({ expect }) => {
    const response = await join(key, {}, CHANNELS.other);
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-ErrorType")).toBe("AccessDeniedException");
  });

  it("answers 403 for a role the tenant lacks", async ({ expect }) => {
    const viewerOnly = await putTenant(env, "viewers", { roles: ["VIEWER"] });
    expect((await join(viewerOnly)).status).toBe(403);
    const viewer = await post(
      bindings,
      "/joinStorageSessionAsViewer",
      { channelArn: CHANNELS.demoCamera, clientId: "v1" },
      viewerOnly,
    );
    expect(viewer.status).toBe(200);
  });

  it("refused requests consume none of the channel's quota", async ({ expect }) => {
    const stranger = await putTenant(env, "stranger", { channels: [] });
    for (let i = 0; i < 5; i++) {
      expect((await join(stranger)).status).toBe(403);
      expect(
        (await join(`intruder${i}.${secretFor("wrong")}`, { "cf-connecting-ip": `198.51.100.${i}` })).status,
      ).toBe(401);
      expect((await post(bindings, "/joinStorageSession", { channelArn: "bad" }, key)).status).toBe(400);
    }
    expect((await join(key)).status).toBe(200);
    expect((await join(key)).status).toBe(200);
    expect((await join(key)).status).toBe(429);
  });
});

describe("authentication failure budget", () => {
  it("blocks guesses at a key id after repeated failures, never its owner's right secret", async ({
    expect,
  }) => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await join(`acme.${secretFor("guess")}`, { "cf-connecting-ip": `203.0.113.${i}` })).status,
      ).toBe(401);
    }
    // The key id is public (every device token names its tenant): strangers' guesses must not lock its owner out.
    expect((await join(key, { "cf-connecting-ip": "192.0.2.1" })).status).toBe(200);
    const blocked = await join(`acme.${secretFor("guess")}`, { "cf-connecting-ip": "192.0.2.2" });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("RateLimit-Policy")).toBe('"auth";q=3;w=60');
    expect(Number(blocked.headers.get("Retry-After"))).toBe(20);
    vi.setSystemTime(Date.UTC(2030, 0, 1) + 20_000);
    expect((await join(`acme.${secretFor("guess")}`, { "cf-connecting-ip": "192.0.2.3" })).status).toBe(401);
  });

  it("blocks a client address (CF-Connecting-IP, never X-Forwarded-For) after repeated failures", async ({
    expect,
  }) => {
    const attacker = { "cf-connecting-ip": "2001:db8:1:2::1" };
    for (const id of ["a1", "a2", "a3"]) {
      expect(
        (await join(`${id}.${secretFor(id)}`, { ...attacker, "x-forwarded-for": "192.0.2.9" })).status,
      ).toBe(401);
    }
    // Another address in the same /64, and a spoofed X-Forwarded-For, change nothing.
    const sameBlock = { "cf-connecting-ip": "2001:db8:1:2::99", "x-forwarded-for": "192.0.2.10" };
    expect((await join(key, sameBlock)).status).toBe(429);
    expect(
      (await join(key, { "cf-connecting-ip": "198.51.100.7", "x-forwarded-for": "2001:db8:1:2::1" })).status,
    ).toBe(200);
  });

  it("spends no limiter call on clean traffic, and checks the budget of what failed here", async ({
    expect,
  }) => {
    const asked: string[] = [];
    const counting = {
      getByName: (name: string) => {
        asked.push(name);
        return env.LIMITER.getByName(name);
      },
    } as unknown as DurableObjectNamespace<RateLimiter>;
    const watched = testEnv({ LIMITER: counting, AUTH_FAILURE_LIMIT_PER_MINUTE: "3" });
    const fresh = await putTenant(env, "fresh");
    const from = { "cf-connecting-ip": "198.51.100.20" };
    const send = (bearer: string) =>
      post(watched, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, bearer, from);
    const authObjects = () => asked.filter((name) => name.startsWith("auth-")).sort();

    expect((await send(fresh)).status).toBe(200);
    expect(authObjects()).toEqual([]);
    expect((await send(`fresh.${secretFor("guess")}`)).status).toBe(401);
    expect(authObjects()).toEqual(["auth-address:198.51.100.20", "auth-key:fresh"]);
    asked.length = 0;
    expect((await send(fresh)).status).toBe(200);
    expect(authObjects()).toEqual(["auth-address:198.51.100.20", "auth-key:fresh"]);
  });
});
