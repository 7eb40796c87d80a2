/** @module `GET /healthz`: the version, and whether the configuration is valid. */
import type { Handler } from "hono";
// a named import, so the bundle keeps the version and not the whole manifest
import { version } from "../../package.json";
import type { RequestVariables } from "../http/request.ts";
import { type ConfigBindings, loadConfig } from "./config.ts";

/**
 * `GET /healthz`: the version and whether the configuration is valid (503 if not). Unauthenticated, so
 * it names no variable and no value; the problems themselves are in the request's log line.
 *
 * @example
 * app.get("/healthz", healthz);
 * // → 200 { "status": "ok", "version": "0.1.0", "configuration": "valid" }
 */
export const healthz: Handler<{ Bindings: ConfigBindings; Variables: RequestVariables }> = (c) => {
  const loaded = loadConfig(c.env);
  if (!loaded.ok) {
    const log = c.get("log");
    log.decision = "misconfigured";
    log.detail = loaded.error.join("; ");
  }
  return c.json(
    {
      status: loaded.ok ? "ok" : "misconfigured",
      version,
      configuration: loaded.ok ? "valid" : "invalid",
    },
    loaded.ok ? 200 : 503,
  );
};
