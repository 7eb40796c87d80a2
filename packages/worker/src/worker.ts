import { createApp } from "./app.ts";
import type { Env } from "./env.ts";

/** @module The Worker entry named by wrangler.toml `main`. */
export { RateLimiter } from "./limiter/rate-limiter.ts";

const app = createApp();

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
