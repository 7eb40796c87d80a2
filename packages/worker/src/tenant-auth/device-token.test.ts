import fc from "fast-check";
import { Jwt } from "hono/utils/jwt";
import { describe, it } from "vitest";
import { isJwtShaped, mintedByCurrentKey, signDeviceToken, verifyDeviceToken } from "./device-token.ts";

const current = { kid: "k2", secret: "current-signing-secret-0123456789abcdef" };
const previous = { kid: "k1", secret: "previous-signing-secret-0123456789abcde" };
const NOW = Date.UTC(2030, 0, 1);
const grant = {
  channelArn: "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000",
  role: "VIEWER",
  clientId: "v1",
} as const;
const keyHash = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
const mint = (key = current, ttlSeconds = 600, nowMs = NOW) =>
  signDeviceToken(grant, { tenantId: "acme", keyHash, key, ttlSeconds, nowMs });
const verify = (token: string, keys = [current], nowMs = NOW, maxTtlSeconds = 3600) =>
  verifyDeviceToken(token, keys, { nowMs, maxTtlSeconds });

describe("device tokens", () => {
  it("carry their grant, tenant and minting key, and name their signing key", async ({ expect }) => {
    const { token, expiresAt } = await mint();
    expect(expiresAt).toBe(new Date(NOW + 600_000).toISOString());
    expect(Jwt.decode(token).header).toEqual({ alg: "HS256", typ: "JWT", kid: "k2" });
    expect(await verify(token, [current, previous])).toEqual({
      ...grant,
      origin: undefined,
      tenantId: "acme",
      signedBy: "k2",
      keyTag: expect.stringMatching(/^[\w-]{22}$/),
      expiresAtMs: NOW + 600_000,
    });
  });

  it("are standard HS256 JWTs: hono's JWT helper verifies them with the signing key", async ({ expect }) => {
    const { token } = await mint();
    const jwk = { kty: "oct", alg: "HS256", kid: "k2", k: btoa(current.secret).replace(/=+$/, "") };
    const options = { alg: "HS256", iss: "kvs-webrtc-storage", aud: "kvs-webrtc-storage-proxy" } as const;
    const payload = await Jwt.verify(token, jwk, { ...options, exp: false, nbf: false, iat: false });
    expect(payload).toMatchObject({ sub: "acme", ...grant, exp: NOW / 1000 + 600 });
  });

  it("never disclose the minting key's stored hash to whoever reads them", async ({ expect }) => {
    const { token } = await mint();
    const payload = JSON.stringify(Jwt.decode(token).payload);
    for (let at = 0; at + 8 <= keyHash.length; at++) expect(payload).not.toContain(keyHash.slice(at, at + 8));
  });

  it("refuse a lifetime longer than the configured maximum, however it was signed", async ({ expect }) => {
    const { token } = await mint(current, 7200);
    expect(await verify(token, [current], NOW, 7200)).toBeDefined();
    expect(await verify(token, [current], NOW, 3600)).toBeUndefined();
  });

  it("verify under a rotated-in key while the previous one is listed, and never once it is gone", async ({
    expect,
  }) => {
    const { token } = await mint(previous);
    expect(await verify(token, [current, previous])).toBeDefined();
    expect(await verify(token, [current])).toBeUndefined();
    // the same kid with another secret is a forgery
    expect(await verify(token, [{ kid: "k1", secret: current.secret }])).toBeUndefined();
  });

  it("allow 30 s of clock drift around nbf and exp, and no more", async ({ expect }) => {
    const { token } = await mint(current, 60);
    const at = (ms: number) => verify(token, [current], ms);
    expect(await at(NOW - 29_000)).toBeDefined();
    expect(await at(NOW - 31_000)).toBeUndefined();
    expect(await at(NOW + 60_000 + 29_000)).toBeDefined();
    expect(await at(NOW + 60_000 + 30_000)).toBeUndefined();
  });

  it("refuse alg none, another algorithm, another audience or issuer, and a missing kid", async ({
    expect,
  }) => {
    const jwk = {
      kty: "oct",
      alg: "HS256",
      kid: "k2",
      k: btoa(current.secret).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
    };
    const claims = {
      iss: "kvs-webrtc-storage",
      aud: "kvs-webrtc-storage-proxy",
      sub: "acme",
      nbf: NOW / 1000,
    };
    const keyTag = (await verify((await mint()).token))?.keyTag;
    const payload = { ...claims, exp: NOW / 1000 + 600, ...grant, keyTag };
    const valid = await Jwt.sign(payload, jwk);
    expect(await verify(valid)).toBeDefined();
    const [, body, signature] = valid.split(".");
    const b64 = (value: object) =>
      btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    // a correctly signed token with a header of our choosing
    const withHeader = async (head: object) => {
      const signed = `${b64(head)}.${body}`;
      const hmac = { name: "HMAC", hash: "SHA-256" };
      const raw = new TextEncoder().encode(current.secret);
      const key = await crypto.subtle.importKey("raw", raw, hmac, false, ["sign"]);
      const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(signed)));
      const encoded = btoa(String.fromCharCode(...mac))
        .replaceAll("+", "-")
        .replaceAll("/", "_");
      return `${signed}.${encoded.replace(/=+$/, "")}`;
    };
    expect(await verify(await withHeader({ alg: "HS256", kid: "k2" }))).toBeDefined();
    const forged = [
      await withHeader({ alg: "HS256", typ: "JWT", kid: "k2", crit: ["exp"] }),
      await withHeader({ alg: "HS256", typ: "at+jwt", kid: "k2" }),
      await withHeader({ alg: "HS384", typ: "JWT", kid: "k2" }),
      `${b64({ alg: "none", typ: "JWT", kid: "k2" })}.${body}.`,
      `${b64({ alg: "HS512", typ: "JWT", kid: "k2" })}.${body}.${signature}`,
      `${b64({ alg: "HS256", typ: "JWT" })}.${body}.${signature}`,
      await Jwt.sign(payload, { ...jwk, kid: "k9" }),
      await Jwt.sign({ ...payload, aud: "someone-else" }, jwk),
      await Jwt.sign({ ...payload, iss: "someone-else" }, jwk),
      await Jwt.sign({ ...payload, role: "ADMIN" }, jwk),
      await Jwt.sign({ ...payload, keyTag: "short" }, jwk),
    ];
    for (const token of forged) expect(await verify(token)).toBeUndefined();
  });

  it("refuse any token with a character changed", async ({ expect }) => {
    const { token } = await mint();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(..."AQgw-_.0z"),
        async (at, char) => {
          fc.pre(token[at] !== char);
          const tampered = `${token.slice(0, at)}${char}${token.slice(at + 1)}`;
          // base64url's last character may carry unused bits: a change there can decode to the same bytes
          const sameBytes = (await verify(tampered)) !== undefined;
          if (sameBytes) expect(at).toBe(token.length - 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("die with the tenant key that minted them", async ({ expect }) => {
    const token = await verify((await mint()).token);
    if (token === undefined) throw new Error("a fresh token must verify");
    const otherHash = "x".repeat(43);
    expect(await mintedByCurrentKey([keyHash], token, [current])).toBe(true);
    expect(await mintedByCurrentKey([otherHash, keyHash], token, [current])).toBe(true);
    expect(await mintedByCurrentKey([otherHash], token, [current])).toBe(false);
    // the tag is bound to the signing key: a listed key with another kid does not vouch for it
    expect(await mintedByCurrentKey([keyHash], token, [previous])).toBe(false);
  });
});

describe("token shape", () => {
  it("takes three base64url parts of at most 4 KiB in all, nothing longer, before anything is parsed", ({
    expect,
  }) => {
    const part = (n: number) => "a".repeat(n);
    expect(isJwtShaped(`${part(10)}.${part(10)}.${part(10)}`)).toBe(true);
    expect(isJwtShaped(`${part(10)}.${part(4074)}.${part(10)}`)).toBe(true);
    expect(isJwtShaped(`${part(10)}.${part(4075)}.${part(10)}`)).toBe(false);
    expect(isJwtShaped(`${part(10)}.${part(10)}`)).toBe(false);
    expect(isJwtShaped(`${part(10)}.${part(10)}.a=`)).toBe(false);
  });
});
