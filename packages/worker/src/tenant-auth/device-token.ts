/**
 * @module Device tokens: short-lived JWTs (HS256, with a key id so the signing key can rotate) that a tenant's
 * backend mints for one device — one channel, one role, the viewer's client id, optionally one origin — so a
 * camera or a browser page never holds the tenant key. Compact JWS over Web Crypto: the one algorithm this proxy
 * signs with, in a fraction of a general JWT library's bytes (hono's helper is the tests' reference).
 */
import { BoundedCache } from "@kvs-webrtc-storage/core";
import * as z from "zod/mini";
import type { TokenSigningKey } from "../config/config.ts";
import { isRole, type Role, toBase64Url } from "./tenant-record.ts";

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
// 128 bits of HMAC-SHA256, base64url (the claim's pattern below)
const KEY_TAG_CHARS = 22;

// predicates and patterns rather than literals, numbers and lengths: the schemas the rest of the bundle carries
const exactly = <const T extends string>(expected: T) => z.custom<T>((value) => value === expected);
const finite = z.custom<number>(Number.isFinite);
const header = z.object({ alg: exactly("HS256"), typ: z.optional(exactly("JWT")), kid: z.string() });
const claims = z.object({
  iss: exactly(ISSUER),
  aud: exactly(AUDIENCE),
  sub: z.string(),
  exp: finite,
  nbf: finite,
  channelArn: z.string(),
  role: z.custom<Role>(isRole),
  clientId: z.optional(z.string()),
  origin: z.optional(z.string()),
  keyTag: z.string().check(z.regex(/^[\w-]{22}$/)),
});

const encoder = new TextEncoder();
const fromBase64url = (text: string) =>
  Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (char) => char.charCodeAt(0));
const encodePart = (value: object) => toBase64Url(encoder.encode(JSON.stringify(value)));
const decodePart = (part: string): unknown => JSON.parse(new TextDecoder().decode(fromBase64url(part)));

const hmacKeys = new BoundedCache<string, Promise<CryptoKey>>(16);

function hmacKey(key: TokenSigningKey): Promise<CryptoKey> {
  let cached = hmacKeys.get(key.secret);
  if (cached === undefined) {
    const algorithm = { name: "HMAC", hash: "SHA-256" };
    cached = crypto.subtle.importKey("raw", encoder.encode(key.secret), algorithm, false, ["sign", "verify"]);
    hmacKeys.set(key.secret, cached);
  }
  return cached;
}

async function mac(key: TokenSigningKey, text: string): Promise<string> {
  return toBase64Url(
    new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(key), encoder.encode(text))),
  );
}

// names the minting tenant key without disclosing its stored hash to whoever reads the token (a page can); the
// `:` keeps these MACs apart from token signatures, whose input is base64url only
const keyTagOf = async (key: TokenSigningKey, keyHash: string) =>
  (await mac(key, `key:${keyHash}`)).slice(0, KEY_TAG_CHARS);

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
  const signed = `${encodePart({ alg: "HS256", typ: "JWT", kid: minting.key.kid })}.${encodePart(payload)}`;
  return {
    token: `${signed}.${await mac(minting.key, signed)}`,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

/** Whether a bearer credential has a JWT's three-part shape (a tenant key has two parts), at most 4 KiB long. */
export const isJwtShaped = (credential: string): boolean =>
  credential.length <= 4096 && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(credential);

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
  if (!isJwtShaped(token)) return undefined;
  const [encodedHeader = "", encodedPayload = "", signature = ""] = token.split(".");
  try {
    const decoded = decodePart(encodedHeader);
    // RFC 7515: `crit` names extensions the verifier must understand, and this one understands none
    if (typeof decoded !== "object" || decoded === null || "crit" in decoded) return undefined;
    const { kid } = header.parse(decoded);
    const key = keys.find((candidate) => candidate.kid === kid);
    if (key === undefined) return undefined;
    const signed = encoder.encode(`${encodedHeader}.${encodedPayload}`);
    const valid = await crypto.subtle.verify("HMAC", await hmacKey(key), fromBase64url(signature), signed);
    const checked = valid ? claims.safeParse(decodePart(encodedPayload)) : undefined;
    if (!checked?.success) return undefined;
    const { iss: _iss, aud: _aud, sub, exp, nbf, ...grant } = checked.data;
    const now = at.nowMs / 1000;
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
