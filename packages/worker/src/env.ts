import type { RateLimiter } from "./limiter/rate-limiter.ts";

/**
 * Bindings, variables and secrets of the proxy Worker (see wrangler.toml and the README).
 *
 * @example
 * ```ts
 * const config = loadConfig(env); // env: Env
 * ```
 */
export interface Env {
  TENANTS: KVNamespace;
  LIMITER: DurableObjectNamespace<RateLimiter>;
  ALLOWED_REGIONS?: string;
  CONTROL_PLANE_ORIGIN?: string;
  EMULATOR_ORIGIN?: string;
  JOIN_LIMIT_PER_SECOND?: string;
  DEVICE_SESSION_LIMIT_PER_SECOND?: string;
  ACCOUNT_JOIN_LIMIT_PER_SECOND?: string;
  AUTH_FAILURE_LIMIT_PER_MINUTE?: string;
  LIMITER_TIMEOUT_MS?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  PRESIGN_EXPIRES_SECONDS?: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  AWS_SESSION_TOKEN?: string;
}
