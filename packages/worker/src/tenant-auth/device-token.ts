/**
 * @module Device tokens: short-lived JWTs (HS256, with a key id so the signing key can rotate) that a tenant's
 * backend mints for one device — one channel, one role, the viewer's client id, optionally one origin — so a
 * camera or a browser page never holds the tenant key. Signed and checked with hono's JWT helper.
 */
import { BoundedCache } from "@kvs-webrtc-storage/core";
import { Jwt } from "hono/utils/jwt";
import * as z from "zod/mini";
import type { TokenSigningKey } from "../config/config.ts";
import { ROLES, type Role } from "./tenant-record.ts";

/** What a device token lets its holder do: one channel, in one role, as one viewer, from one origin. */
export interface DeviceGrant {
  readonly channelArn: string;
  readonly role: Role;
  /** The viewer's `ClientId`; absent for a master. */
  readonly clientId?: string | undefined;
  /** The only browser origin the token works from, when it was minted for one. */
  readonly origin?: string | undefined;
}

/** A verified token: its grant, its tenant, and which signing key and tenant key minted it. */
export interface DeviceToken extends DeviceGrant {
  readonly tenantId: string;
  /** The signing key's id (`kid`) that verified it. */
  readonly signedBy: string;
  /** An HMAC of the minting tenant key's stored hash: the token dies when that key is rotated out. */
  readonly keyTag: string;
  readonly expiresAtMs: number;
}

const ISSUER = "kvs-webrtc-storage";
const AUDIENCE = "kvs-webrtc-storage-proxy";
// devices' clocks drift; a token is honoured this much before nbf and after exp
const CLOCK_TOLERANCE_SECONDS = 30;
// 128 bits of HMAC-SHA256, base64url
const KEY_TAG_CHARS = 22;

const claims = z.object({
  sub: z.string(),
  exp: z.number(),
  nbf: z.number(),
  channelArn: z.string(),
  role: z.enum(ROLES),
  clientId: z.optional(z.string()),
  origin: z.optional(z.string()),
  keyTag: z.string().check(z.length(KEY_TAG_CHARS)),
});

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

// the secret's bytes as an HMAC JWK, so the JWT header carries its kid
const jwkOf = (key: TokenSigningKey) => ({
  kty: "oct",
  alg: "HS256",
  kid: key.kid,
  k: base64url(new TextEncoder().encode(key.secret)),
});

const hmacKeys = new BoundedCache<string, Promise<CryptoKey>>(16);

// names the minting tenant key without disclosing its stored hash to whoever reads the token (a page can)
async function keyTagOf(key: TokenSigningKey, keyHash: string): Promise<string> {
  let hmacKey = hmacKeys.get(key.secret);
  if (hmacKey === undefined) {
    const raw = new TextEncoder().encode(key.secret);
    hmacKey = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(key.secret, hmacKey);
  }
  const mac = await crypto.subtle.sign("HMAC", await hmacKey, new TextEncoder().encode(`key:${keyHash}`));
  return base64url(new Uint8Array(mac)).slice(0, KEY_TAG_CHARS);
}

/**
 * Mints a device token with `key`, valid from `nowMs` for `ttlSeconds`, for `grant` on behalf of the tenant whose
 * key (by its stored hash `keyHash`) authenticated the minting request.
 *
 * @example
 * const { token, expiresAt } = await signDeviceToken({ channelArn, role: "VIEWER", clientId: "v1" },
 *   { tenantId: "acme", keyHash: tenant.keyHashes[0], key, ttlSeconds: 600, nowMs: Date.now() });
 */
export async function signDeviceToken(
  grant: DeviceGrant,
  minting: { tenantId: string; keyHash: string; key: TokenSigningKey; ttlSeconds: number; nowMs: number },
): Promise<{ token: string; expiresAt: string }> {
  const now = Math.floor(minting.nowMs / 1000);
  const exp = now + minting.ttlSeconds;
  const payload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: minting.tenantId,
    iat: now,
    nbf: now,
    exp,
    channelArn: grant.channelArn,
    role: grant.role,
    ...(grant.clientId === undefined ? {} : { clientId: grant.clientId }),
    ...(grant.origin === undefined ? {} : { origin: grant.origin }),
    keyTag: await keyTagOf(minting.key, minting.keyHash),
  };
  const token = await Jwt.sign(payload, jwkOf(minting.key));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Whether a bearer credential has a JWT's three-part shape (a tenant key has two parts). */
export const isJwtShaped = (credential: string): boolean =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(credential);

/**
 * Verifies a device token against the signing keys (current and previous): its HS256 signature under the key its
 * `kid` names, issuer, audience, `nbf`/`exp` within a 30 s clock tolerance, and a lifetime of at most
 * `maxTtlSeconds`. `undefined` for anything else; whether the tenant and its minting key still exist is the
 * caller's check.
 *
 * @example
 * const token = await verifyDeviceToken(bearer, config.TOKEN_SIGNING_KEYS ?? [], { nowMs: Date.now(), maxTtlSeconds: 3600 });
 */
export async function verifyDeviceToken(
  token: string,
  keys: readonly TokenSigningKey[],
  at: { nowMs: number; maxTtlSeconds: number },
): Promise<DeviceToken | undefined> {
  try {
    const key = keys.find(({ kid }) => kid === Jwt.decode(token).header.kid);
    if (key === undefined) return undefined;
    // hono checks signature, algorithm, typ, issuer and audience; the times are checked below, with tolerance
    const payload = await Jwt.verify(token, jwkOf(key), {
      alg: "HS256",
      iss: ISSUER,
      aud: AUDIENCE,
      exp: false,
      nbf: false,
      iat: false,
    });
    const checked = claims.safeParse(payload);
    const now = at.nowMs / 1000;
    if (!checked.success) return undefined;
    const { sub, exp, nbf, ...grant } = checked.data;
    if (exp + CLOCK_TOLERANCE_SECONDS <= now || nbf - CLOCK_TOLERANCE_SECONDS > now) return undefined;
    // a lowered TOKEN_MAX_TTL_SECONDS (or a leaked signing key used for long tokens) bounds every token
    if (exp - nbf > at.maxTtlSeconds) return undefined;
    return { ...grant, tenantId: sub, signedBy: key.kid, expiresAtMs: exp * 1000 };
  } catch {
    return undefined;
  }
}

/**
 * Whether a verified token may still be used: its tenant holds the key that minted it (a rotation that drops
 * the key revokes every token it minted).
 *
 * @example
 * if (!(await mintedByCurrentKey(tenant.keyHashes, token, config.TOKEN_SIGNING_KEYS ?? []))) return unauthenticated();
 */
export async function mintedByCurrentKey(
  keyHashes: readonly string[],
  token: DeviceToken,
  keys: readonly TokenSigningKey[],
): Promise<boolean> {
  const key = keys.find(({ kid }) => kid === token.signedBy);
  if (key === undefined) return false;
  const tags = await Promise.all(keyHashes.map((keyHash) => keyTagOf(key, keyHash)));
  return tags.includes(token.keyTag);
}
