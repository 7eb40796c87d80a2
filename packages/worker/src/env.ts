/** @module The proxy Worker's bindings: the config table's variables, the tenant registry and the limiter. */
import type { ConfigBindings } from "./config/config.ts";
import type { TenantBindings } from "./tenant-auth/tenant-auth.ts";

/**
 * Bindings, variables and secrets of the proxy Worker (see wrangler.toml and the README).
 *
 * @example
 * export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
 */
export interface Env extends ConfigBindings, TenantBindings {}
