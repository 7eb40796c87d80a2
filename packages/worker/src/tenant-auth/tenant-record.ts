/**
 * @module A tenant as the registry (Workers KV `TENANTS`) stores it — key id, secret hashes, channel grants,
 * roles, limits — what its grants allow, and its key format: `<keyId>.<secret>`, generated, hashed and parsed here.
 */
import { type ChannelArnParts, isRegion } from "@kvs-webrtc-storage/core";
import * as z from "zod/mini";
import { fail, ok, type Result } from "../errors/errors.ts";
import { isOriginPattern } from "./origins.ts";

/** Signaling-channel roles a tenant may be granted. */
export const ROLES = ["MASTER", "VIEWER"] as const;

/** A signaling-channel role. */
export type Role = (typeof ROLES)[number];

/**
 * Whether `value` is a signaling-channel role.
 *
 * @example
 * z.custom<Role>(isRole); // the role of a request body or token
 */
export const isRole = (value: unknown): value is Role => ROLES.some((role) => role === value);

/**
 * One allowed channel pattern: partition (`aws` when absent), account, region and channel-name glob (`*` matches
 * any run of characters).
 */
export interface ChannelGrant {
  readonly partition?: string | undefined;
  readonly accountId: string;
  readonly region: string;
  readonly channelName: string;
}

/** One tenant's registry entry, stored as JSON under `tenant:<tenantId>` in the `TENANTS` namespace. */
export interface TenantRecord {
  readonly tenantId: string;
  /** SHA-256 digests (base64url) of the current and, during rotation, the previous secret. */
  readonly keyHashes: readonly string[];
  readonly channels: readonly ChannelGrant[];
  readonly roles: readonly Role[];
  /** Browser origins the tenant's pages call from (`https://app.acme.com`, `https://*.acme.com`, `http://localhost:*`). */
  readonly origins?: readonly string[] | undefined;
  /** Per-channel limits that can only lower the configured ones, and the weight of its share of an account's joins. */
  readonly limits?:
    | {
        readonly joinPerSecond?: number | undefined;
        readonly deviceSessionPerSecond?: number | undefined;
        readonly accountShareWeight?: number | undefined;
      }
    | undefined;
  readonly disabled: boolean;
}

const KEY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
// `Bearer <key>`, or the key alone, as the seeds' generated client sends it (its apiKeyPrefix is null)
const BEARER = /^(?:Bearer +)?([^ .]+)\.([^ ]+)$/i;
// 22 base64url characters carry 132 bits: the floor for a presented secret; generated ones have 256
const SECRET = /^[A-Za-z0-9_-]{22,256}$/;
const SECRET_BYTES = 32;

// predicates (z.custom, refine): the bundle carries zod's custom class, not its number, boolean or enum schemas
const whole = (max: number) =>
  z.optional(z.custom<number>((n) => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= max));
const sized = (min: number, max: number) =>
  z.refine<unknown[]>((list) => list.length >= min && list.length <= max);

const tenantRecord = z.object({
  tenantId: z.string().check(z.regex(KEY_ID)),
  keyHashes: z.array(z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/))).check(sized(1, 2)),
  channels: z.array(
    z.object({
      partition: z.optional(z.string().check(z.regex(/^aws(?:-[a-z]+)*$/))),
      accountId: z.string().check(z.regex(/^\d{12}$/)),
      region: z.string().check(z.refine(isRegion)),
      channelName: z.string().check(z.regex(/^[a-zA-Z0-9_.*-]{1,256}$/)),
    }),
  ),
  roles: z.array(z.custom<Role>(isRole)),
  limits: z.optional(
    z.object({
      joinPerSecond: whole(1000),
      deviceSessionPerSecond: whole(1000),
      accountShareWeight: whole(100),
    }),
  ),
  origins: z.optional(z.array(z.string().check(z.refine(isOriginPattern))).check(sized(0, 32))),
  disabled: z.custom<boolean>((flag) => typeof flag === "boolean"),
});

/**
 * Whether a string can be a key id, which is the tenant id.
 *
 * @example
 * isKeyId("acme-cameras"); // true
 */
export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/**
 * The registry key of a tenant.
 *
 * @example
 * tenantStorageKey("demo"); // "tenant:demo"
 */
export function tenantStorageKey(tenantId: string): string {
  return `tenant:${tenantId}`;
}

/**
 * Validates a stored record; anything malformed counts as no tenant at all.
 *
 * @example
 * const tenant = parseTenantRecord(JSON.parse(text));
 */
export function parseTenantRecord(value: unknown): TenantRecord | undefined {
  const result = tenantRecord.safeParse(value);
  if (!result.success) return undefined;
  const record: TenantRecord = result.data;
  return record;
}

/**
 * The key an `Authorization: Bearer <keyId>.<secret>` (or `<keyId>.<secret>`) header presents, if well formed.
 *
 * @example
 * parseBearer("Bearer demo.local-demo-secret-not-for-production"); // { keyId: "demo", secret: "local-…" }
 * parseBearer("demo.local-demo-secret-not-for-production"); // the same
 */
export function parseBearer(header: string): { keyId: string; secret: string } | undefined {
  const [, keyId, secret] = BEARER.exec(header.trim()) ?? [];
  if (keyId === undefined || secret === undefined || !isKeyId(keyId) || !SECRET.test(secret))
    return undefined;
  return { keyId, secret };
}

/**
 * Encodes bytes as base64url without padding (the registry's hashes, device tokens).
 *
 * @example
 * toBase64Url(new Uint8Array([251, 255])); // "-_8"
 */
export const toBase64Url = (bytes: Uint8Array): string =>
  // `apply` takes the array as it is; a spread would first iterate it, one allocation per byte
  btoa(String.fromCharCode.apply(null, bytes as unknown as number[]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

// one for the isolate: a TextEncoder is a native object, and a request needs no encoder of its own
const encoder = new TextEncoder();

/**
 * The stored form of a secret: its SHA-256 digest, base64url without padding.
 *
 * @example
 * await hashSecret("local-demo-secret-not-for-production"); // 43 characters
 */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(secret));
  return toBase64Url(new Uint8Array(digest));
}

/**
 * Creates a key with a 256-bit random secret. The key is shown once; only `secretHash` is stored.
 *
 * @example
 * const { key, secretHash } = await generateTenantKey("acme");
 * // key: "acme.Q2…" (print once), secretHash: store in the registry
 */
export async function generateTenantKey(keyId: string): Promise<{ key: string; secretHash: string }> {
  if (!isKeyId(keyId)) throw new RangeError("key id must be lower-case letters, digits and dashes");
  const secret = toBase64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
  return { key: `${keyId}.${secret}`, secretHash: await hashSecret(secret) };
}

/**
 * Decides whether a tenant may use a channel in a role: some grant must match the ARN's partition, account, region
 * and channel name, and the role must be granted. Checked on every request (OWASP API1).
 *
 * @example
 * authorize(tenant, channel, "MASTER"); // { ok: false, error: "The tenant may not use this channel." }
 */
export function authorize(tenant: TenantRecord, channel: ChannelArnParts, role: Role): Result<void, string> {
  const granted = tenant.channels.some(
    (grant) =>
      (grant.partition ?? "aws") === channel.partition &&
      grant.accountId === channel.accountId &&
      grant.region === channel.region &&
      matchesGlob(grant.channelName, channel.channelName),
  );
  if (!granted) return fail("The tenant may not use this channel.");
  if (!tenant.roles.includes(role)) return fail("The tenant may not use this role.");
  return ok(undefined);
}

/**
 * Matches a channel name against a grant's glob, in which `*` stands for any run of characters (also none).
 * Linear time and no regular expression built from data, so a hostile pattern cannot backtrack.
 *
 * @example
 * matchesGlob("demo-camera*", "demo-camera-2"); // true
 */
export function matchesGlob(pattern: string, name: string): boolean {
  const parts = pattern.split("*");
  const first = parts[0] ?? "";
  if (parts.length === 1) return pattern === name;
  const last = parts[parts.length - 1] ?? "";
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last))
    return false;
  let position = first.length;
  const end = name.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    // taking the leftmost occurrence is always safe: it leaves the most room for what follows
    const found = name.indexOf(middle, position);
    if (found === -1 || found + middle.length > end) return false;
    position = found + middle.length;
  }
  return true;
}
