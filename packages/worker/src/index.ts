/** @module Tenant-authenticated edge proxy for KVS WebRTC Storage on Cloudflare Workers. */
export { createApp } from "./app.ts";
export { matchesGlob } from "./auth/channel-glob.ts";
export { generateTenantKey, hashSecret, isKeyId, parseBearer, type TenantKey } from "./auth/tenant-key.ts";
export {
  type ChannelGrant,
  parseTenantRecord,
  ROLES,
  type Role,
  type TenantRecord,
  tenantStorageKey,
} from "./auth/tenant-record.ts";
export { type Config, type ConfigResult, type Limits, loadConfig } from "./config/config.ts";
export type { Env } from "./env.ts";
export { type Failure, failureResponse, toWire, type WireError } from "./http/failure.ts";
export { RateLimiter } from "./limiter/rate-limiter.ts";
export { type BucketDecision, type BucketPolicy, type BucketState, decide } from "./limiter/token-bucket.ts";
