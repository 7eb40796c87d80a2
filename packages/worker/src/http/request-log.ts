/**
 * @module The request's id and its one structured log line, and `reject`, which ends a request with a failure
 * in AWS shape and records why.
 */
import type { Context, MiddlewareHandler } from "hono";
import { type Failure, failureResponse } from "../errors/errors.ts";

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

/** What `requestLog()` puts on the context, for every later step to add to and to reject with. */
export interface RequestVariables {
  /** Assigned here, never taken from the client. */
  requestId: string;
  log: RequestLog;
}

const MAX_PATH = 128;

/**
 * Assigns the request id and writes the request's log line when the response is ready, whatever happened
 * in between.
 *
 * @example
 * app.use(requestLog());
 */
export function requestLog(): MiddlewareHandler<{ Variables: RequestVariables }> {
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

/**
 * Ends a request with a failure: records its kind (and log-only detail) and answers in AWS shape.
 *
 * @example
 * if (tenant === undefined) return reject(c, { kind: "unauthenticated" });
 */
export function reject<E extends { Variables: RequestVariables }>(c: Context<E>, failure: Failure): Response {
  const { log, requestId } = c.var;
  log.decision = failure.kind;
  if ("detail" in failure) log.detail = failure.detail;
  return failureResponse(failure, requestId);
}
