/**
 * @module Device tokens: short-lived JWTs (HS256, with a key id so the signing key can rotate) that a tenant's
 * backend mints for one device — one channel, one role, the viewer's client id, optionally one origin — so a
 * camera or a browser page never holds the tenant key. Signed and checked with hono's JWT helper.
 */
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

/** A verified token: its grant, its tenant, and which of the tenant's keys minted it. */
export interface DeviceToken extends DeviceGrant {
  readonly tenantId: string;
  /** The start of the minting key's stored hash: the token dies when that key is rotated out. */
  readonly keyHash: string;
  readonly expiresAtMs: number;
}

const ISSUER = "kvs-webrtc-storage";
const AUDIENCE = "kvs-webrtc-storage-proxy";
// devices' clocks drift; a token is honoured this much before nbf and after exp
const CLOCK_TOLERANCE_SECONDS = 30;
const KEY_HASH_CHARS = 16;

const claims = z.object({
  sub: z.string(),
  exp: z.number(),
  nbf: z.number(),
  channelArn: z.string(),
  role: z.enum(ROLES),
  clientId: z.optional(z.string()),
  origin: z.optional(z.string()),
  keyHash: z.string().check(z.length(KEY_HASH_CHARS)),
});

// the secret's bytes as an HMAC JWK, so the JWT header carries its kid
const jwkOf = (key: TokenSigningKey) => {
  const k = btoa(String.fromCharCode(...new TextEncoder().encode(key.secret)));
  return {
    kty: "oct",
    alg: "HS256",
    kid: key.kid,
    k: k.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
  };
};

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
    keyHash: minting.keyHash.slice(0, KEY_HASH_CHARS),
  };
  const token = await Jwt.sign(payload, jwkOf(minting.key));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Whether a bearer credential has a JWT's three-part shape (a tenant key has two parts). */
export const isJwtShaped = (credential: string): boolean =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(credential);

/**
 * Verifies a device token against the signing keys (current and previous): its HS256 signature under the key its
 * `kid` names, issuer, audience, and `nbf`/`exp` within a 30 s clock tolerance. `undefined` for anything else;
 * whether the tenant and its minting key still exist is the caller's check.
 *
 * @example
 * const token = await verifyDeviceToken(bearer, config.TOKEN_SIGNING_KEYS ?? [], Date.now());
 */
export async function verifyDeviceToken(
  token: string,
  keys: readonly TokenSigningKey[],
  nowMs: number,
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
    const now = nowMs / 1000;
    if (!checked.success) return undefined;
    const { sub, exp, nbf, ...grant } = checked.data;
    if (exp + CLOCK_TOLERANCE_SECONDS <= now || nbf - CLOCK_TOLERANCE_SECONDS > now) return undefined;
    return { ...grant, tenantId: sub, expiresAtMs: exp * 1000 };
  } catch {
    return undefined;
  }
}

/**
 * Whether a token minted by the key whose stored hash starts with `keyHash` may still be used: its tenant holds that
 * key (a rotation that drops it revokes every token it minted).
 *
 * @example
 * if (!mintedByCurrentKey(tenant.keyHashes, token.keyHash)) return unauthenticated();
 */
export function mintedByCurrentKey(keyHashes: readonly string[], keyHash: string): boolean {
  return keyHash.length === KEY_HASH_CHARS && keyHashes.some((hash) => hash.startsWith(keyHash));
}
