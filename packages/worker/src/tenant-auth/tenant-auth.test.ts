import { env } from "cloudflare:test";
import { beforeEach, describe, it, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { countingLimiter } from "../../test/support/limiters.ts";
import { CHANNELS, putTenant, secretFor } from "../../test/support/tenants.ts";
import { post, refusingEnv, testEnv } from "../../test/support/worker.ts";
import { hashSecret } from "./tenant-record.ts";

// a fresh configuration per test, as storage is: the isolate keeps its caches per configuration
let bindings = testEnv({ AUTH_FAILURE_LIMIT_PER_MINUTE: "3", AUTH_ADDRESS_FAILURE_LIMIT_PER_MINUTE: "5" });
beforeEach(() => {
  bindings = testEnv({ AUTH_FAILURE_LIMIT_PER_MINUTE: "3", AUTH_ADDRESS_FAILURE_LIMIT_PER_MINUTE: "5" });
});
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

describe("the tenant's record in the isolate", () => {
  it("is read from KV once per 30 s, and a disabled tenant is refused once that has passed", async ({
    expect,
  }) => {
    const reads: string[] = [];
    const tenants = {
      get: (name: string, options: unknown) => {
        reads.push(name);
        return env.TENANTS.get(name, options as { type: "text" });
      },
    } as unknown as KVNamespace;
    bindings = testEnv({ TENANTS: tenants });
    const channels = [CHANNELS.demoCamera, CHANNELS.demoCamera2];
    for (const channelArn of channels) expect((await join(key, {}, channelArn)).status).toBe(200);
    expect(reads.filter((name) => name.includes("acme"))).toHaveLength(1);
    await putTenant(env, "acme", { disabled: true });
    vi.setSystemTime(Date.UTC(2030, 0, 1) + 29_999);
    expect((await join(key, {}, CHANNELS.demoCamera)).status).toBe(200);
    vi.setSystemTime(Date.UTC(2030, 0, 1) + 30_000);
    expect((await join(key, {}, CHANNELS.demoCamera2)).status).toBe(401);
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
    // the channel's window, refusing rather than holding, shows exactly the two joins admitted
    bindings = refusingEnv({
      AUTH_FAILURE_LIMIT_PER_MINUTE: "3",
      AUTH_ADDRESS_FAILURE_LIMIT_PER_MINUTE: "5",
    });
    expect((await join(key)).status).toBe(200);
    expect((await join(key)).status).toBe(200);
    expect((await join(key)).status).toBe(429);
  });
});

describe("authentication failure budget", () => {
  const from = (address: string) => ({ "cf-connecting-ip": address });
  const guess = (keyId: string) => `${keyId}.${secretFor("guess")}`;

  it("never refuses the right secret for failures sent from other addresses (the lockout finding)", async ({
    expect,
  }) => {
    // 11 wrong secrets for acme from 11 addresses, then one more every 3 s
    for (let i = 0; i < 11; i++) expect((await join(guess("acme"), from(`203.0.113.${i}`))).status).toBe(401);
    for (let second = 0; second < 60; second += 3) {
      vi.setSystemTime(Date.UTC(2030, 0, 1) + second * 1000);
      expect((await join(guess("acme"), from(`198.51.100.${second}`))).status).toBe(401);
      expect((await join(key, from("192.0.2.1"))).status).toBe(200);
    }
  });

  it("answers 429 to an address's further failures with a key id once it failed it L times", async ({
    expect,
  }) => {
    const attacker = from("203.0.113.7");
    for (let i = 0; i < 3; i++) expect((await join(guess("acme"), attacker)).status).toBe(401);
    const blocked = await join(guess("acme"), attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("RateLimit-Policy")).toBe('"auth";q=3;w=60');
    expect(blocked.headers.get("Retry-After")).toBe("60");
    // the same address with another key id, and the key id from another address, still get their 401
    expect((await join(guess("globex"), attacker)).status).toBe(401);
    expect((await join(guess("acme"), from("203.0.113.8"))).status).toBe(401);
    vi.setSystemTime(Date.UTC(2030, 0, 1) + 60_000);
    expect((await join(guess("acme"), attacker)).status).toBe(401);
  });

  it("never refuses a valid key or token from an address out of budget: whoever shares it locks nobody out", async ({
    expect,
  }) => {
    // a carrier-grade NAT: an attacker and a victim's devices behind one address
    const shared = from("100.64.0.1");
    for (const id of ["a1", "a2", "a3", "a4", "a5", "acme", "acme", "acme"]) await join(guess(id), shared);
    expect((await join(guess("acme"), shared)).status).toBe(429);
    expect((await join(key, shared)).status).toBe(200);
    const minted = await post(
      bindings,
      "/v1/tokens",
      { channelArn: CHANNELS.demoCamera, role: "MASTER" },
      key,
    );
    const { token } = (await minted.json()) as { token: string };
    expect((await join(token, shared)).status).toBe(200);
  });

  it("counts an address (IPv6 by /64, CF-Connecting-IP only) across key ids", async ({ expect }) => {
    const attacker = { "cf-connecting-ip": "2001:db8:1:2::1", "x-forwarded-for": "192.0.2.9" };
    for (const id of ["a1", "a2", "a3", "a4", "a5"])
      expect((await join(guess(id), attacker)).status).toBe(401);
    // another address in the same /64, with a spoofed X-Forwarded-For, is the same client
    const sameBlock = { "cf-connecting-ip": "2001:db8:1:2::99", "x-forwarded-for": "192.0.2.10" };
    const blocked = await join(guess("a6"), sameBlock);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("RateLimit-Policy")).toBe('"auth";q=5;w=60');
    const elsewhere = { "cf-connecting-ip": "198.51.100.7", "x-forwarded-for": "2001:db8:1:2::1" };
    expect((await join(guess("a6"), elsewhere)).status).toBe(401);
  });

  const token = (id: string) => `e.${"x".repeat(30)}.${id}y`;
  it.for([
    ["bad device tokens", token, from("203.0.113.50"), from("203.0.113.50")],
    ["an IPv4-mapped address as its IPv4 one", guess, from("::ffff:203.0.113.51"), from("203.0.113.51")],
    ["addresses that cannot be parsed all as one", guess, from("not-an-address"), from("999")],
    ["requests without CF-Connecting-IP all as one", guess, {}, {}],
  ] as const)("counts %s", async ([, bearer, headers, last], { expect }) => {
    for (let i = 0; i < 5; i++) expect((await join(bearer(`k${i}`), headers)).status).toBe(401);
    expect((await join(bearer("k9"), last)).status).toBe(429);
  });

  it("does not count a request that carries no credential", async ({ expect }) => {
    const client = from("203.0.113.60");
    for (let i = 0; i < 10; i++) expect((await join(undefined, client)).status).toBe(401);
    expect((await join(guess("acme"), client)).status).toBe(401);
  });

  it("spends no limiter call on anything that succeeds, one on each failure, for its own address", async ({
    expect,
  }) => {
    const { asked, namespace } = countingLimiter();
    const watched = testEnv({ LIMITER: namespace, AUTH_FAILURE_LIMIT_PER_MINUTE: "3" });
    const fresh = await putTenant(env, "fresh");
    const send = (bearer: string) =>
      post(
        watched,
        "/joinStorageSession",
        { channelArn: CHANNELS.demoCamera },
        bearer,
        from("198.51.100.20"),
      );
    const authObjects = () => asked.filter((name) => name.startsWith("auth:"));

    expect((await send(fresh)).status).toBe(200);
    expect(authObjects()).toEqual([]);
    expect((await send(guess("fresh"))).status).toBe(401);
    expect(authObjects()).toEqual(["auth:198.51.100.20"]);
    asked.length = 0;
    expect((await send(fresh)).status).toBe(200);
    expect(authObjects()).toEqual([]);
  });

  it.for(["1:2:3:4:5:6:7:8::9", "::1::2", "1::2:3:4:5:6:7:8:9"])(
    "counts a malformed address %s as unknown, never failing",
    async (address, { expect }) => {
      expect((await join(guess("acme"), from(address))).status).toBe(401);
    },
  );

  // a few hundred requests through the Worker: seconds when the machine is busy, not the default 5
  it("keeps answering an address out of budget 429 however many other addresses fail after it", {
    timeout: 30_000,
  }, async ({ expect }) => {
    const attacker = from("203.0.113.66");
    for (let i = 0; i < 4; i++) await join(guess("acme"), attacker);
    expect((await join(guess("acme"), attacker)).status).toBe(429);
    // the budget lives in each address's limiter object: nothing in this isolate can be pushed out
    for (let i = 0; i < 300; i++) await join(guess(`k${i}`), from(`10.0.${i >> 8}.${i & 255}`));
    expect((await join(guess("acme"), attacker)).status).toBe(429);
  });
});
