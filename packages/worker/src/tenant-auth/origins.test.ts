import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { CHANNELS, putTenant } from "../../test/support/tenants.ts";
import { post, send, testEnv } from "../../test/support/worker.ts";
import { isOriginPattern, matchesOrigin, originIndex } from "./origins.ts";

describe("origin patterns", () => {
  it.each([
    ["https://app.acme.com", "https://app.acme.com", true],
    ["https://app.acme.com", "http://app.acme.com", false],
    ["https://app.acme.com", "https://app.acme.com:8443", false],
    ["https://*.acme.com", "https://app.acme.com", true],
    ["https://*.acme.com", "https://acme.com", false],
    ["https://*.acme.com", "https://a.b.acme.com", false],
    ["https://*.acme.com", "https://evilacme.com", false],
    ["https://*.acme.com", "https://app.acme.com.evil.com", false],
    ["http://localhost:*", "http://localhost:8800", true],
    ["http://localhost:*", "http://localhost", true],
    ["http://localhost:*", "http://localhost.evil.com:8800", false],
    ["http://127.0.0.1:8800", "http://127.0.0.1:8800", true],
    ["http://127.0.0.1:8800", "http://127.0.0.1:8801", false],
    ["https://app.acme.com", "null", false],
    ["https://app.acme.com", "https://app.acme.com/", false],
  ])("%s admits %s: %s", (pattern, origin, admitted) => {
    expect(matchesOrigin(pattern, origin)).toBe(admitted);
  });

  it.each([
    "https://acme.com/",
    "https://*.*.acme.com",
    "https://a*.acme.com",
    "https://*.com",
    "http://app.acme.com",
    "http://*.localhost",
    "ftp://acme.com",
    "*",
    "",
  ])("refuses the pattern %j", (pattern) => expect(isOriginPattern(pattern)).toBe(false));

  it("never lets a wildcard stand for more than one label or leave the pattern's domain", ({ expect }) => {
    const label = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), label, (prefix, domain) => {
        const origin = `https://${prefix.join(".")}.${domain}.com`;
        expect(matchesOrigin(`https://*.${domain}.com`, origin)).toBe(prefix.length === 1);
        expect(matchesOrigin(`https://*.other-${domain}.com`, origin)).toBe(false);
      }),
    );
  });

  it("agrees with a plain reading of the pattern on any pattern and origin", ({ expect }) => {
    // the rule written the obvious way: a regular expression per pattern
    const reference = (pattern: string, origin: string) => {
      const [, scheme, wild, host = "", port] =
        /^(https?):\/\/(\*\.)?([a-z0-9.-]+)(?::(\d+|\*))?$/.exec(pattern) ?? [];
      const hostRule = `${wild ? "[a-z0-9-]+\\." : ""}${host.replaceAll(".", "\\.")}`;
      const portRule = port === "*" ? "(:\\d+)?" : port === undefined ? "" : `:${port}`;
      return new RegExp(`^${scheme}://${hostRule}${portRule}$`).test(origin);
    };
    const label = fc.constantFrom("app", "acme", "a-b", "com", "localhost", "127", "0", "1");
    const host = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
    const port = fc.constantFrom("", ":8800", ":80", ":443");
    const scheme = fc.constantFrom("https", "http");
    const origin = fc.tuple(scheme, host, port).map(([s, h, p]) => `${s}://${h}${p}`);
    const pattern = fc
      .tuple(scheme, fc.boolean(), host, fc.constantFrom("", ":8800", ":*"))
      .map(([s, wild, h, p]) => `${s}://${wild ? "*." : ""}${h}${p}`)
      .filter(isOriginPattern);
    fc.assert(
      fc.property(pattern, origin, (p, o) => {
        // a browser never sends a default port: such origins are not what pages send
        fc.pre(URL.canParse(o) && new URL(o).origin === o);
        expect(matchesOrigin(p, o)).toBe(reference(p, o));
      }),
      { numRuns: 2000 },
    );
  });

  it("indexes every enabled tenant's patterns once", ({ expect }) => {
    const tenants = [
      { disabled: false, origins: ["https://b.com", "https://a.com"] },
      { disabled: true, origins: ["https://off.com"] },
      { disabled: false, origins: ["https://a.com"] },
      { disabled: false },
    ];
    expect(JSON.parse(originIndex(tenants))).toEqual(["https://a.com", "https://b.com"]);
  });
});

const APP = "https://app.acme.com";
// a fresh configuration per test, as storage is: the isolate keeps its caches per configuration
let bindings = testEnv();
beforeEach(() => {
  bindings = testEnv();
});
let upstream: FakeUpstream;
let key: string;
frozenProxy(Date.UTC(2030, 0, 1), (fake, tenantKey) => {
  upstream = fake;
  key = tenantKey;
});

const preflight = (origin: string, path = "/joinStorageSession") =>
  send(bindings, path, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,content-type",
    },
  });

describe("CORS", () => {
  it("answers a preflight from an allowed origin without credentials, counting nothing", async ({
    expect,
  }) => {
    await putTenant(env, "acme", { origins: [APP] });
    const response = await preflight(APP);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("vary")).toContain("Origin");
    expect(response.headers.get("access-control-allow-headers")).toBe("Authorization,Content-Type");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-max-age")).toBe("600");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(upstream.calls).toHaveLength(0);
    // preflights carry no key: many of them from one address must not spend its auth-failure budget (10 a minute)
    const from = { "cf-connecting-ip": "198.51.100.77" };
    for (let i = 0; i < 15; i++) {
      await send(bindings, "/joinStorageSession", {
        method: "OPTIONS",
        headers: { ...from, origin: APP, "access-control-request-method": "POST" },
      });
    }
    const joined = await post(
      bindings,
      "/joinStorageSession",
      { channelArn: CHANNELS.demoCamera },
      key,
      from,
    );
    expect(joined.status).toBe(200);
  });

  it("gives an origin no tenant allows no Access-Control-Allow-Origin, on preflights and answers alike", async ({
    expect,
  }) => {
    await putTenant(env, "acme", { origins: [APP] });
    for (const response of [
      await preflight("https://evil.example"),
      await send(bindings, "/healthz", { headers: { origin: "https://evil.example" } }),
    ]) {
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
    const health = await send(bindings, "/healthz", { headers: { origin: APP } });
    expect(health.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("lets a page read its answers and errors, exposing the AWS and rate-limit headers", async ({
    expect,
  }) => {
    await putTenant(env, "acme", { origins: [APP] });
    const joined = await post(bindings, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key, {
      origin: APP,
    });
    expect(joined.status).toBe(200);
    expect(joined.headers.get("access-control-allow-origin")).toBe(APP);
    expect(joined.headers.get("vary")).toContain("Origin");
    expect(joined.headers.get("access-control-expose-headers")).toBe(
      "x-amzn-RequestId,x-amzn-ErrorType,Retry-After,RateLimit,RateLimit-Policy",
    );
    const refused = await post(
      bindings,
      "/joinStorageSession",
      { channelArn: CHANNELS.demoCamera },
      "acme.wrong-secret-0000000000000000",
      { origin: APP },
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("refuses a request from an origin its tenant does not allow, even one another tenant allows", async ({
    expect,
  }) => {
    await putTenant(env, "acme", { origins: [APP] });
    await putTenant(env, "globex", { origins: ["https://globex.example"] });
    const response = await post(bindings, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key, {
      origin: "https://globex.example",
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toBe(
      "The request's origin is not allowed for this tenant.",
    );
    expect(upstream.calls).toHaveLength(0);
  });

  it("holds a token minted for one origin to that origin, and refuses minting from a browser", async ({
    expect,
  }) => {
    await putTenant(env, "acme", { origins: [APP, "https://other.acme.com"] });
    const body = { channelArn: CHANNELS.demoCamera, role: "VIEWER", clientId: "v1", origin: APP };
    const minted = await post(bindings, "/v1/tokens", body, key);
    const { token } = (await minted.json()) as { token: string };
    const join = (headers: HeadersInit) =>
      post(
        bindings,
        "/joinStorageSessionAsViewer",
        { channelArn: CHANNELS.demoCamera, clientId: "v1" },
        token,
        headers,
      );
    expect((await join({ origin: APP })).status).toBe(200);
    expect((await join({ origin: "https://other.acme.com" })).status).toBe(403);
    expect((await join({})).status).toBe(403);
    expect((await post(bindings, "/v1/tokens", body, key, { origin: APP })).status).toBe(403);
    expect(
      (await post(bindings, "/v1/tokens", { ...body, origin: "https://evil.example" }, key)).status,
    ).toBe(403);
  });
});
