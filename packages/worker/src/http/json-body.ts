import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppContext, AppEnv } from "./app-env.ts";
import { reject } from "./reject.ts";

/** Operation bodies are a channel ARN and a client id; 4 KB leaves ample room. */
export const MAX_BODY_BYTES = 4096;

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Refuses bodies over {@link MAX_BODY_BYTES} (413, also when chunked: hono buffers up to the limit
 * before the handler runs) and bodies that are not declared as JSON (415).
 *
 * @example
 * ```ts
 * app.post("/joinStorageSession", jsonBody(), handler);
 * ```
 */
export function jsonBody(): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => reject(c, { kind: "body-too-large" }) });
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
 * ```ts
 * const body = await readJsonObject(c);
 * if (body === undefined) return reject(c, { kind: "invalid-input", message: "…" });
 * ```
 */
export async function readJsonObject(c: AppContext): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await c.req.text(), (key, item: unknown) =>
      UNSAFE_KEYS.has(key) ? undefined : item,
    );
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
