/**
 * @module Tenant authentication as one middleware: the bearer key, the failure budgets of its key id and client
 * address, the registry lookup and the constant-time secret check; the tenant it admits goes on the context.
 */
import { BoundedCache } from "@kvs-webrtc-storage/core";
import type { MiddlewareHandler } from "hono";
import type { Config } from "../config/config.ts";
import { type Failure, fail, ok, type Result } from "../errors/errors.ts";
import { reject } from "../http/request-log.ts";
import { askLimiter, authFailureLimits, enforceLimits, type LimiterBindings } from "../limiter/limits.ts";
import {
  isKeyId,
  parseTenantRecord,
  secretDigest,
  type TenantRecord,
  tenantStorageKey,
} from "./tenant-record.ts";

/** The bindings authentication reads: the tenant registry (Workers KV) and the limiter counting failures. */
export interface TenantBindings extends LimiterBindings {
  readonly TENANTS: KVNamespace;
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by `tenantAuth()`: the tenant whose key the request presented. */
    tenant: TenantRecord;
  }
}

const BEARER = /^Bearer +([^ .]+)\.([^ ]+)$/i;
// 22 base64url characters carry 132 bits: the floor for a key secret
const SECRET = /^[A-Za-z0-9_-]{22,256}$/;
// slots compared on every call, so timing does not reveal how many hashes a tenant has (or whether it exists)
const SECRET_SLOTS = 2;
const DIGEST_BYTES = 32;

/**
 * Key ids and addresses that failed here recently: only these are checked against their failure budget before
 * the secret is compared, so clean traffic pays no limiter round trip (the limiter still counts every failure).
 * Bounded, so a flood of spoofed addresses costs memory only up to this many entries.
 */
const suspects = new BoundedCache<string, number>(4096);

// edge caching keeps KV reads cheap; a disabled tenant is refused within this many seconds (plus KV propagation)
const CACHE_TTL_SECONDS = 60;
// KV answers the same text for a minute at a time: its parse is kept per tenant until the text changes
const parsed = new BoundedCache<string, { raw: string; record: TenantRecord | undefined }>(1024);

// missing or malformed entries are `undefined`
async function findTenant(kv: KVNamespace, tenantId: string): Promise<TenantRecord | undefined> {
  const raw = await kv.get(tenantStorageKey(tenantId), { type: "text", cacheTtl: CACHE_TTL_SECONDS });
  if (raw === null) return undefined;
  const known = parsed.get(tenantId);
  if (known !== undefined && known.raw === raw) return known.record;
  let record: TenantRecord | undefined;
  try {
    record = parseTenantRecord(JSON.parse(raw));
  } catch {
    record = undefined;
  }
  parsed.set(tenantId, { raw, record });
  return record;
}

function isSuspect(name: string, nowMs: number): boolean {
  const until = suspects.get(name);
  if (until === undefined || until > nowMs) return until !== undefined;
  suspects.delete(name);
  return false;
}

/**
 * Authenticates `Authorization: Bearer <keyId>.<secret>` (the key id is the tenant id). Unknown key, wrong
 * secret and disabled tenant are the same 401; each failure is counted per key id and per client address,
 * and one that failed recently and is over its budget is refused before its secret is even compared.
 *
 * @example
 * app.post("/joinStorageSession", configuration(), tenantAuth(), (c) => c.json(c.var.tenant.tenantId));
 */
export function tenantAuth(): MiddlewareHandler<{ Bindings: TenantBindings }> {
  return async (c, next) => {
    const authenticated = await authenticate(c.req.raw.headers, c.env, c.var.config);
    if (!authenticated.ok) return reject(c, authenticated.error);
    c.set("tenant", authenticated.value);
    c.var.log.tenant = authenticated.value.tenantId;
    return next();
  };
}

async function authenticate(
  headers: Headers,
  env: TenantBindings,
  config: Config,
): Promise<Result<TenantRecord>> {
  const { keyId, secret } = parseBearer(headers.get("authorization") ?? "") ?? {};
  const address = clientAddress(headers);
  const nowMs = Date.now();
  const timeoutMs = config.LIMITER_TIMEOUT_MS;
  const suspected = authFailureLimits(keyId, address, config, false).filter((check) =>
    isSuspect(check.call.objectName, nowMs),
  );
  const [budget, tenant] = await Promise.all([
    suspected.length === 0 ? undefined : enforceLimits(env.LIMITER, suspected, timeoutMs),
    keyId === undefined ? undefined : findTenant(env.TENANTS, keyId),
  ]);
  if (budget !== undefined && !budget.ok) return fail(budget.error);
  const matches = secret !== undefined && (await secretMatches(secret, tenant?.keyHashes ?? []));
  if (matches && tenant !== undefined && !tenant.disabled) return ok(tenant);
  const failures = authFailureLimits(keyId, address, config, true);
  for (const { call } of failures) suspects.set(call.objectName, nowMs + call.policy.windowSeconds * 1000);
  // counting is best effort: a limiter outage must not turn a 401 into something more informative
  await Promise.all(failures.map((check) => askLimiter(env.LIMITER, check.call, timeoutMs)));
  return fail({ kind: "unauthenticated" } satisfies Failure);
}

function parseBearer(header: string): { keyId: string; secret: string } | undefined {
  const [, keyId, secret] = BEARER.exec(header.trim()) ?? [];
  if (keyId === undefined || secret === undefined || !isKeyId(keyId) || !SECRET.test(secret))
    return undefined;
  return { keyId, secret };
}

/**
 * Compares a presented secret with the stored hashes in constant time: both sides are equal-length SHA-256
 * digests and every slot is compared, even for unknown tenants (pass `[]`).
 */
async function secretMatches(secret: string, storedHashes: readonly string[]): Promise<boolean> {
  const presented = await secretDigest(secret);
  let matched = false;
  for (let slot = 0; slot < SECRET_SLOTS; slot++) {
    const stored = decodeDigest(storedHashes[slot]);
    const equal = crypto.subtle.timingSafeEqual(presented, stored ?? new Uint8Array(DIGEST_BYTES));
    matched = (equal && stored !== undefined) || matched;
  }
  return matched;
}

function decodeDigest(hash: string | undefined): Uint8Array | undefined {
  if (hash === undefined) return undefined;
  try {
    const bytes = Uint8Array.from(atob(hash.replaceAll("-", "+").replaceAll("_", "/")), (c) =>
      c.charCodeAt(0),
    );
    return bytes.length === DIGEST_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The client address to count auth failures by: Cloudflare's `CF-Connecting-IP` only, since
 * `X-Forwarded-For` is client-controlled. IPv6 is cut to its /64, the block one subscriber holds.
 */
export function clientAddress(headers: Headers): string | undefined {
  const raw = headers.get("cf-connecting-ip")?.trim().toLowerCase();
  if (raw === undefined || raw === "" || raw.length > 64) return undefined;
  if (!raw.includes(":")) return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(raw) ? raw : undefined;
  const [head = "", tail = ""] = raw.split("::");
  const groups = head === "" ? [] : head.split(":");
  const tailGroups = tail === "" ? [] : tail.split(":");
  const expanded = raw.includes("::")
    ? [...groups, ...Array<string>(8 - groups.length - tailGroups.length).fill("0"), ...tailGroups]
    : groups;
  if (expanded.length !== 8 || !expanded.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  const prefix = expanded.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ""));
  return `${prefix.join(":")}::/64`;
}
