import { parseTenantRecord, type TenantRecord, tenantStorageKey } from "./tenant-record.ts";

// Edge caching keeps KV reads cheap; a disabled tenant is refused within this many seconds (plus KV propagation).
const CACHE_TTL_SECONDS = 60;
// KV answers the same text for a minute at a time: its parse is kept per tenant until the text changes
const MAX_PARSED = 1024;
const parsed = new Map<string, { raw: string; record: TenantRecord | undefined }>();

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
  const known = parsed.get(tenantId);
  if (known?.raw === raw) return known.record;
  const record = parseRaw(raw);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(tenantId, { raw, record });
  return record;
}

function parseRaw(raw: string): TenantRecord | undefined {
  try {
    return parseTenantRecord(JSON.parse(raw));
  } catch {
    return undefined;
  }
}
