import { parseTenantRecord, type TenantRecord, tenantStorageKey } from "./tenant-record.ts";

// Edge caching keeps KV reads cheap; a disabled tenant is refused within this many seconds (plus KV propagation).
const CACHE_TTL_SECONDS = 60;

/**
 * Reads a tenant from the `TENANTS` namespace; missing or malformed entries are `undefined`.
 *
 * @example
 * ```ts
 * const tenant = await findTenant(env.TENANTS, "demo");
 * ```
 */
export async function findTenant(kv: KVNamespace, tenantId: string): Promise<TenantRecord | undefined> {
  const raw = await kv.get(tenantStorageKey(tenantId), { type: "text", cacheTtl: CACHE_TTL_SECONDS });
  if (raw === null) return undefined;
  try {
    return parseTenantRecord(JSON.parse(raw));
  } catch {
    return undefined;
  }
}
