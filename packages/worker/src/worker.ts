/** @module The Worker entry named by wrangler.toml `main`: the Hono app and the limiter class. */
import { createApp } from "./app.ts";
import type { Env } from "./env.ts";

export { RateLimiter } from "./limiter/rate-limiter.ts";

const app = createApp();

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
