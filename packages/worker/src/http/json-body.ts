/** @module Operation bodies: at most 4 KB, declared as JSON, parsed without prototype-polluting keys. */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { fail, ok, type Result } from "../errors/errors.ts";
import { type RequestVariables, reject } from "./request-log.ts";

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
