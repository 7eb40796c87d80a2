/** @module How long a refused device waits before it asks again, read from the proxy's answer. */

/** The answer's fields that tell a device when to come back. */
export interface RetryFields {
  retryAfter: string | null;
  rateLimit: string | null;
}

/**
 * Milliseconds to wait as the answer says: `Retry-After` (delta-seconds or an HTTP date), else the `t` of an
 * exhausted `RateLimit` item (`"name";r=0;t=T`, the longest if several), else `undefined`.
 *
 * @example
 * ```ts
 * retryDelayMs({ retryAfter: "2", rateLimit: null }); // 2000
 * retryDelayMs({ retryAfter: null, rateLimit: '"account";r=0;t=3' }); // 3000
 * ```
 */
export function retryDelayMs(fields: RetryFields, nowMs: number = Date.now()): number | undefined {
  const retryAfter = fields.retryAfter?.trim();
  if (retryAfter !== undefined && retryAfter !== "") {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  }
  const waits = (fields.rateLimit ?? "").split(",").flatMap((item) => {
    const remaining = /;\s*r=(\d+)/.exec(item)?.[1];
    const reset = /;\s*t=(\d+)/.exec(item)?.[1];
    return remaining === "0" && reset !== undefined ? [Number(reset) * 1000] : [];
  });
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

/** What a device does with an answer: done, wait and ask again, or give up (an answer retrying cannot fix). */
export type NextStep = { kind: "joined" } | { kind: "retry"; waitMs: number } | { kind: "give-up" };

/** The wait when a retryable answer names none: one second, AWS's own window. */
export const DEFAULT_RETRY_MS = 1000;

/**
 * The device's next step after an answer: 200 joins; 429 and 503 wait as told; 5xx and network errors
 * (status 0) wait {@link DEFAULT_RETRY_MS}; any other status gives up.
 *
 * @example
 * ```ts
 * nextStep(429, { retryAfter: "1", rateLimit: null }); // { kind: "retry", waitMs: 1000 }
 * ```
 */
export function nextStep(status: number, fields: RetryFields, nowMs: number = Date.now()): NextStep {
  if (status === 200) return { kind: "joined" };
  if (status === 429 || status === 503) {
    return { kind: "retry", waitMs: retryDelayMs(fields, nowMs) ?? DEFAULT_RETRY_MS };
  }
  if (status === 0 || status >= 500) return { kind: "retry", waitMs: DEFAULT_RETRY_MS };
  return { kind: "give-up" };
}
