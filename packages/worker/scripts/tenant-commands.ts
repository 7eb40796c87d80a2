import { parseChannelArn, partitionOf } from "@kvs-webrtc-storage/core";
import {
  authorize,
  type ChannelGrant,
  type DeviceGrant,
  generateTenantKey,
  isOriginPattern,
  ORIGIN_INDEX_KEY,
  originAllowed,
  originIndex,
  parseTenantRecord,
  signDeviceToken,
  type TenantRecord,
  type TokenSigningKey,
  tenantStorageKey,
} from "@kvs-webrtc-storage/worker";
import type { KvStore } from "./wrangler-kv.ts";

/** What `add` needs besides the tenant id. */
export interface NewTenant {
  channels: ChannelGrant[];
  roles: TenantRecord["roles"];
  limits?: TenantRecord["limits"];
  origins?: string[];
}

/**
 * Parses a `--channel` value: `[<partition>/]<account>/<region>/<channel-name glob>`; the partition, `aws` when
 * left out, must be the region's.
 *
 * @example
 * ```ts
 * parseGrant("111122223333/us-west-2/demo-camera*");
 * parseGrant("aws-cn/111122223333/cn-north-1/demo-camera*");
 * ```
 */
export function parseGrant(value: string): ChannelGrant {
  const parts = value.split("/");
  if (parts.length !== 3 && parts.length !== 4)
    throw new Error(`--channel ${value}: expected [<partition>/]<account>/<region>/<channel-name glob>`);
  const [accountId = "", region = "", channelName = ""] = parts.slice(-3);
  const partition = parts.length === 4 ? (parts[0] ?? "") : "aws";
  const expected = partitionOf(region);
  if (partition !== expected) {
    const hint = expected === "aws" ? "" : ` (write ${expected}/${parts.slice(-3).join("/")})`;
    throw new Error(
      `--channel ${value}: region ${region} is in partition ${expected}, not ${partition}${hint}`,
    );
  }
  return partition === "aws"
    ? { accountId, region, channelName }
    : { partition, accountId, region, channelName };
}

/**
 * Creates a tenant and returns its key — the only time the key exists outside the device.
 *
 * @example
 * ```ts
 * const key = await addTenant(kv, "acme", { channels: [parseGrant("111122223333/us-west-2/acme-*")], roles: ["MASTER"] });
 * ```
 */
export async function addTenant(kv: KvStore, tenantId: string, spec: NewTenant): Promise<string> {
  if (kv.get(tenantStorageKey(tenantId)) !== undefined) throw new Error(`tenant ${tenantId} already exists`);
  checkOrigins(spec.origins ?? []);
  const { key, secretHash } = await generateTenantKey(tenantId);
  const record = { tenantId, keyHashes: [secretHash], ...spec, disabled: false };
  save(kv, record);
  return key;
}

/**
 * Issues a new key; the previous one keeps working until the next rotation (or `dropPrevious`).
 *
 * @example
 * ```ts
 * const key = await rotateTenant(kv, "acme", { dropPrevious: false });
 * ```
 */
export async function rotateTenant(kv: KvStore, tenantId: string, options: { dropPrevious: boolean }) {
  const record = load(kv, tenantId);
  const { key, secretHash } = await generateTenantKey(tenantId);
  const previous = options.dropPrevious ? [] : record.keyHashes.slice(0, 1);
  save(kv, { ...record, keyHashes: [secretHash, ...previous] });
  return key;
}

/**
 * Sets or clears a tenant's disabled flag (refused within a minute, the registry's edge cache TTL).
 *
 * @example
 * ```ts
 * setDisabled(kv, "acme", true);
 * ```
 */
export function setDisabled(kv: KvStore, tenantId: string, disabled: boolean): void {
  save(kv, { ...load(kv, tenantId), disabled });
}

/**
 * Summaries of every tenant, without key hashes.
 *
 * @example
 * ```ts
 * for (const line of listTenants(kv)) console.log(line);
 * ```
 */
export function listTenants(kv: KvStore): string[] {
  return kv.list("tenant:").map((name) => {
    const record = parseTenantRecord(kv.get(name));
    if (record === undefined) return `${name}  (invalid record)`;
    const channels = record.channels
      .map(
        (g) =>
          `${g.partition === undefined ? "" : `${g.partition}/`}${g.accountId}/${g.region}/${g.channelName}`,
      )
      .join(",");
    const limits = record.limits === undefined ? "" : `  limits=${JSON.stringify(record.limits)}`;
    const origins = record.origins === undefined ? "" : `  origins=${record.origins.join(",")}`;
    const state = record.disabled ? "disabled" : "enabled";
    return `${record.tenantId}  ${state}  keys=${record.keyHashes.length}  roles=${record.roles.join(",")}  channels=${channels}${limits}${origins}`;
  });
}

/**
 * Mints a device token for `grant`, as `POST /v1/tokens` would with the tenant's current key: for scripts and tests
 * that have the registry but no tenant backend. The tenant must be enabled, `grant` within its grants and its
 * origin (if any) one the tenant allows.
 *
 * @example
 * ```ts
 * const { token } = await mintToken(kv, "demo", { channelArn, role: "VIEWER", clientId: "v1" }, key, 600);
 * ```
 */
export async function mintToken(
  kv: KvStore,
  tenantId: string,
  grant: DeviceGrant,
  key: TokenSigningKey,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: string }> {
  const record = load(kv, tenantId);
  if (record.disabled) throw new Error(`tenant ${tenantId} is disabled`);
  const allowed = authorize(record, parseChannelArn(grant.channelArn), grant.role);
  if (!allowed.ok) throw new Error(allowed.error);
  if (grant.origin !== undefined && !originAllowed(record.origins, undefined, grant.origin)) {
    throw new Error(`tenant ${tenantId} does not allow the origin ${grant.origin} (see: tenant origins)`);
  }
  const [keyHash = ""] = record.keyHashes;
  return signDeviceToken(grant, { tenantId, keyHash, key, ttlSeconds, nowMs: Date.now() });
}

function load(kv: KvStore, tenantId: string): TenantRecord {
  const record = parseTenantRecord(kv.get(tenantStorageKey(tenantId)));
  if (record === undefined) throw new Error(`tenant ${tenantId} not found (or its record is invalid)`);
  return record;
}

/**
 * Sets the browser origins a tenant's pages may call from (replacing the list; none clears it).
 *
 * @example
 * ```ts
 * setOrigins(kv, "acme", ["https://app.acme.com", "http://localhost:*"]);
 * ```
 */
export function setOrigins(kv: KvStore, tenantId: string, origins: readonly string[]): void {
  checkOrigins(origins);
  save(kv, { ...load(kv, tenantId), origins: [...origins] });
}

// hosts under which anyone can get a subdomain: `*.` over one of them would let strangers' sites in
const SHARED_SUFFIXES = new Set([
  "pages.dev",
  "workers.dev",
  "github.io",
  "gitlab.io",
  "vercel.app",
  "netlify.app",
  "herokuapp.com",
  "web.app",
  "firebaseapp.com",
  "appspot.com",
  "azurewebsites.net",
  "azurestaticapps.net",
  "cloudfront.net",
  "amplifyapp.com",
  "onrender.com",
  "fly.dev",
  "glitch.me",
  "repl.co",
  "ngrok.io",
  "ngrok-free.app",
  "trycloudflare.com",
  "blogspot.com",
  "wordpress.com",
  "s3.amazonaws.com",
]);
// second-level public suffixes such as co.uk or com.au
const COUNTRY_SECOND_LEVEL = /^(?:co|com|net|org|gov|edu|ac|or|ne|go)\.[a-z]{2}$/;

function checkOrigins(origins: readonly string[]): void {
  const invalid = origins.filter((origin) => !isOriginPattern(origin));
  if (invalid.length > 0) {
    throw new Error(
      `--origin ${invalid.join(", ")}: must be scheme://host[:port], * standing for the first host label or the port`,
    );
  }
  for (const origin of origins) {
    const suffix = /^https?:\/\/\*\.([^:/]+)/.exec(origin)?.[1];
    if (suffix !== undefined && (SHARED_SUFFIXES.has(suffix) || COUNTRY_SECOND_LEVEL.test(suffix))) {
      throw new Error(
        `--origin ${origin}: anyone can have a site under ${suffix}; name your own hosts instead`,
      );
    }
  }
}

function save(kv: KvStore, record: unknown): void {
  const valid = parseTenantRecord(record);
  if (valid === undefined)
    throw new Error("the tenant record is invalid; check ids, channels, roles, limits and origins");
  kv.put(tenantStorageKey(valid.tenantId), JSON.stringify(valid));
  // CORS preflights carry no credentials: they are answered from this index of every enabled tenant's origins
  const tenants = kv.list("tenant:").flatMap((name) => parseTenantRecord(kv.get(name)) ?? []);
  kv.put(ORIGIN_INDEX_KEY, originIndex(tenants));
}
