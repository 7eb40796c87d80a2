/**
 * @module Tenant authentication as one middleware: the bearer key or device token, the failure budget of the
 * client address, the registry read and the constant-time secret check; the tenant it admits goes on the context.
 */
import { BoundedCache } from "@kvs-webrtc-storage/core";
import type { MiddlewareHandler } from "hono";
import type { Config } from "../config/config.ts";
import { fail, ok, type Result } from "../errors/errors.ts";
import { type RequestVariables, reject } from "../http/request.ts";
import type { LimiterBindings } from "../limiter/limits.ts";
import { type DeviceGrant, isJwtShaped, mintedByCurrentKey, verifyDeviceToken } from "./device-token.ts";
import { clientAddress, countFailure } from "./failure-budget.ts";
import { originAllowed } from "./origins.ts";
import {
  hashSecret,
  parseBearer,
  parseTenantRecord,
  type TenantRecord,
  tenantStorageKey,
} from "./tenant-record.ts";

/** The bindings authentication reads: the tenant registry (Workers KV) and the limiter counting failures. */
export interface TenantBindings extends LimiterBindings {
  readonly TENANTS: KVNamespace;
}

/**
 * How a request proved its tenant: the tenant key (which one, by its stored hash), or a device token and the
 * grant it carries.
 */
export type Credential =
  | { readonly kind: "key"; readonly keyHash: string }
  | { readonly kind: "token"; readonly grant: DeviceGrant };

/** What `tenantAuth()` reads from the context, and the `tenant` and `credential` it adds. */
export interface TenantVariables extends RequestVariables {
  config: Config;
  tenant: TenantRecord;
  credential: Credential;
}

// slots compared on every call, so timing does not reveal how many hashes a tenant has (or whether it exists)
const SECRET_SLOTS = 2;
// a record is read from KV's edge cache (its shortest time, 30 s) and then kept in the isolate as long again: a
// disabled tenant is refused within a minute (plus KV propagation), and most joins read no KV at all (each read
// costs garbage that brings the next full collection, and its pause, closer)
const CACHE_TTL_SECONDS = 30;
type KnownTenants = BoundedCache<string, { record: TenantRecord | undefined; readAtMs: number }>;
// per configuration, as the isolate's other caches: a redeployed configuration starts afresh
const knownTenants = new WeakMap<Config, KnownTenants>();
// one for the isolate: a TextEncoder is a native object, and a request needs no encoder of its own
const encoder = new TextEncoder();
/**
 * Authenticates `Authorization: Bearer <keyId>.<secret>` (the key id is the tenant id) or a device token. Unknown
 * key, wrong secret, bad token and disabled tenant are the same 401; each failure is counted against the client
 * address and, with its key id, against that pair, and answered 429 instead once the address is out of either.
 * A valid credential is never refused (see `countFailure`).
 *
 * @example
 * app.post("/joinStorageSession", configuration(), tenantAuth(), (c) => c.json(c.get("tenant").tenantId));
 */
export function tenantAuth(): MiddlewareHandler<{ Bindings: TenantBindings; Variables: TenantVariables }> {
  return async (c, next) => {
    const authenticated = await authenticate(c.req.raw.headers, c.env, c.get("config"));
    if (!authenticated.ok) return reject(c, authenticated.error);
    const { tenant, credential } = authenticated.value;
    // a browser page acts for a tenant only from an origin the tenant (and its token) allows
    const origin = c.req.header("origin");
    const bound = credential.kind === "token" ? credential.grant.origin : undefined;
    if (
      (origin !== undefined || bound !== undefined) &&
      !originAllowed(tenant.origins, bound, origin ?? "")
    ) {
      return reject(c, {
        kind: "forbidden",
        message: "The request's origin is not allowed for this tenant.",
      });
    }
    c.set("tenant", tenant);
    c.set("credential", credential);
    const log = c.get("log");
    log.tenant = tenant.tenantId;
    log.credential = credential.kind;
    return next();
  };
}

/** The tenant a request acts for, and how it proved it. */
interface Authenticated {
  readonly tenant: TenantRecord;
  readonly credential: Credential;
}

async function authenticate(
  headers: Headers,
  env: TenantBindings,
  config: Config,
): Promise<Result<Authenticated>> {
  const authorization = headers.get("authorization")?.trim() ?? "";
  const bearer = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
  const token = bearer !== undefined && isJwtShaped(bearer) ? bearer : undefined;
  const key = token === undefined ? parseBearer(authorization) : undefined;
  const nowMs = Date.now();
  const verified =
    token !== undefined
      ? await verifyToken(token, env, config, nowMs)
      : key === undefined
        ? undefined
        : await verifyKey(key.keyId, key.secret, env, config);
  if (verified !== undefined) return ok(verified);
  // a request without credentials guessed nothing: it costs no limiter call
  if (authorization === "") return fail({ kind: "unauthenticated" });
  return fail(await countFailure(env.LIMITER, clientAddress(headers), key?.keyId, config));
}

async function verifyKey(
  keyId: string,
  secret: string,
  env: TenantBindings,
  config: Config,
): Promise<Authenticated | undefined> {
  const tenant = await findTenant(env.TENANTS, keyId, config);
  const keyHash = await matchingHash(secret, tenant?.keyHashes ?? []);
  if (keyHash === undefined || tenant === undefined || tenant.disabled) return undefined;
  return { tenant, credential: { kind: "key", keyHash } };
}

// a token works while its tenant is enabled and still holds the key that minted it
async function verifyToken(
  bearer: string,
  env: TenantBindings,
  config: Config,
  nowMs: number,
): Promise<Authenticated | undefined> {
  const keys = config.TOKEN_SIGNING_KEYS ?? [];
  const token = await verifyDeviceToken(bearer, keys, { nowMs, maxTtlSeconds: config.TOKEN_MAX_TTL_SECONDS });
  if (token === undefined) return undefined;
  const tenant = await findTenant(env.TENANTS, token.tenantId, config);
  if (tenant === undefined || tenant.disabled || !(await mintedByCurrentKey(tenant.keyHashes, token, keys))) {
    return undefined;
  }
  const { channelArn, role, clientId, origin } = token;
  return { tenant, credential: { kind: "token", grant: { channelArn, role, clientId, origin } } };
}

async function findTenant(
  kv: KVNamespace,
  tenantId: string,
  config: Config,
): Promise<TenantRecord | undefined> {
  let known = knownTenants.get(config);
  if (known === undefined) {
    known = new BoundedCache(1024);
    knownTenants.set(config, known);
  }
  const nowMs = Date.now();
  const cached = known.get(tenantId);
  if (cached !== undefined && nowMs - cached.readAtMs < CACHE_TTL_SECONDS * 1000) return cached.record;
  const raw = await kv.get(tenantStorageKey(tenantId), { type: "text", cacheTtl: CACHE_TTL_SECONDS });
  // an unknown tenant is not kept: ids nobody holds cannot push the known ones out
  if (raw === null) return undefined;
  let record: TenantRecord | undefined;
  try {
    record = parseTenantRecord(JSON.parse(raw));
  } catch {
    record = undefined;
  }
  known.set(tenantId, { record, readAtMs: nowMs });
  return record;
}

// the stored hash the secret matches; both sides are 43-character base64url SHA-256 digests (the registry
// accepts no other), and every slot is compared, even for unknown tenants
async function matchingHash(secret: string, storedHashes: readonly string[]): Promise<string | undefined> {
  const presented = encoder.encode(await hashSecret(secret));
  let matched: string | undefined;
  for (let slot = 0; slot < SECRET_SLOTS; slot++) {
    const stored = encoder.encode(storedHashes[slot] ?? "");
    const comparable = stored.length === presented.length ? stored : new Uint8Array(presented.length);
    if (crypto.subtle.timingSafeEqual(presented, comparable) && comparable === stored)
      matched = storedHashes[slot];
  }
  return matched;
}
