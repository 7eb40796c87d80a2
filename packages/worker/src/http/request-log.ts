import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";

/**
 * The one structured line logged per request. Fields are chosen, never copied from the request, so
 * keys, secrets, signatures and tokens cannot reach it.
 */
export interface RequestLog {
  requestId: string;
  method: string;
  path: string;
  status?: number;
  operation?: string;
  tenant?: string;
  channel?: string;
  decision?: string;
  detail?: string;
  upstreamStatus?: number;
  upstreamRequestId?: string;
  latencyMs?: number;
}

const MAX_PATH = 128;

/**
 * Assigns the request id (never taken from the client) and writes the request's log line when the
 * response is ready, whatever happened in between.
 *
 * @example
 * ```ts
 * app.use(requestLog());
 * ```
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    const requestId = crypto.randomUUID();
    const log: RequestLog = { requestId, method: c.req.method, path: c.req.path.slice(0, MAX_PATH) };
    c.set("requestId", requestId);
    c.set("log", log);
    await next();
    log.status = c.res.status;
    log.decision ??= c.res.ok ? "ok" : "error";
    log.latencyMs = Date.now() - started;
    const level = log.status >= 500 ? "error" : log.status >= 400 ? "warn" : "info";
    console.log(JSON.stringify({ level, msg: "request", ...log }));
  };
}
