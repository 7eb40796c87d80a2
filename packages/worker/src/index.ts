/**
 * @module The proxy's public entry for code outside the Worker (the tenant tools, the benchmark, tests): the
 * tenant registry's record format and key tools. It loads nothing Workers-only, so Node, Deno and Bun import
 * it; the Worker itself is `src/worker.ts` (wrangler.toml `main`).
 */
export { parseTokenSigningKeys, type TokenSigningKey } from "./config/config.ts";
export { type DeviceGrant, signDeviceToken } from "./tenant-auth/device-token.ts";
export { isOriginPattern, ORIGIN_INDEX_KEY, originAllowed, originIndex } from "./tenant-auth/origins.ts";
export {
  authorize,
  type ChannelGrant,
  generateTenantKey,
  hashSecret,
  isKeyId,
  parseTenantRecord,
  ROLES,
  type Role,
  type TenantRecord,
  tenantStorageKey,
} from "./tenant-auth/tenant-record.ts";
