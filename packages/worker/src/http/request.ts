/**
 * @module A request as HTTP, before any tenant is known: its id and its one structured log line; `reject`, which
 * ends it with a failure in AWS shape and records why; and the limits on an operation's body (≤ 4 KB of JSON).
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type Failure, fail, failureResponse, ok, type Result } from "../errors/errors.ts";

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
  /** How the tenant was proved: "key" or "token". */
  credential?: string;
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
    const path = c.req.path.slice(0, MAX_PATH);
    // the line itself, its level and message first: written as it is, not copied into another object
    const log: RequestLog & { level: string; msg: "request" } = {
      level: "info",
      msg: "request",
      requestId,
      method: c.req.method,
      path,
    };
    c.set("requestId", requestId);
    c.set("log", log);
    await next();
    const status = c.res.status;
    log.status = status;
    log.decision ??= c.res.ok ? "ok" : "error";
    log.latencyMs = Date.now() - started;
    log.level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
    console.log(JSON.stringify(log));
  };
}

/**
 * Ends a request with a failure: records its kind (and log-only detail) and answers in AWS shape.
 *
 * @example
 * if (tenant === undefined) return reject(c, { kind: "unauthenticated" });
 */
export function reject<E extends { Variables: RequestVariables }>(c: Context<E>, failure: Failure): Response {
  // `c.get` reads one variable; `c.var` copies them all into a new object at every access
  const log = c.get("log");
  const requestId = c.get("requestId");
  log.decision = failure.kind;
  if ("detail" in failure) log.detail = failure.detail;
  return failureResponse(failure, requestId);
}

/** Operation bodies are a channel ARN and a client id; 4 KB leaves ample room. */
export const MAX_BODY_BYTES = 4096;

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Refuses bodies over {@link MAX_BODY_BYTES} (413, also when chunked: hono buffers up to the limit
 * before the handler runs) and bodies that are not declared as JSON (415).
 *
 * @example
 * app.post("/joinStorageSession", jsonBody(), handler);
 */
export function jsonBody(): MiddlewareHandler<{ Variables: RequestVariables }> {
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => reject(c, { kind: "body-too-large", limitBytes: MAX_BODY_BYTES }),
  });
  return (c, next) =>
    limit(c, async () => {
      const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
      if (type !== "application/json") {
        c.res = reject(c, { kind: "unsupported-media-type" });
        return;
      }
      await next();
    });
}

/**
 * Parses the (already size-checked) body as a JSON object, dropping prototype-polluting keys.
 *
 * @example
 * const body = await readJsonObject(c);
 * if (!body.ok) return reject(c, body.error);
 */
export async function readJsonObject(c: Context): Promise<Result<Record<string, unknown>>> {
  let value: unknown;
  try {
    value = JSON.parse(await c.req.text(), (key, item: unknown) => (UNSAFE_KEYS.has(key) ? undefined : item));
  } catch {
    value = undefined;
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value))
    return ok(value as Record<string, unknown>);
  return fail({ kind: "invalid-input", message: "body: must be a JSON object" });
}
