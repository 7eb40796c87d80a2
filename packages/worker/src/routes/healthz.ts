import type { Handler } from "hono";
import packageJson from "../../package.json" with { type: "json" };
import { loadConfig } from "../config/config.ts";
import type { AppEnv } from "../http/app-env.ts";

/**
 * `GET /healthz`: the version and whether the configuration is valid (503 if not). Unauthenticated, so
 * it names no variable and no value; the problems themselves are in the request's log line.
 *
 * @example
 * ```ts
 * app.get("/healthz", healthz);
 * // → 200 { "status": "ok", "version": "0.1.0", "configuration": "valid" }
 * ```
 */
export const healthz: Handler<AppEnv> = (c) => {
  const loaded = loadConfig(c.env);
  if (!loaded.ok) {
    const log = c.get("log");
    log.decision = "misconfigured";
    log.detail = loaded.problems.join("; ");
  }
  return c.json(
    {
      status: loaded.ok ? "ok" : "misconfigured",
      version: packageJson.version,
      configuration: loaded.ok ? "valid" : "invalid",
    },
    loaded.ok ? 200 : 503,
  );
};
