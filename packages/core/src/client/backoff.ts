/** @module How long to wait before the next attempt. */

// the AWS SDK's standard retry bases: throttling backs off harder than transient faults
const BASE_MS = 100;
const THROTTLING_BASE_MS = 500;
const MAX_DELAY_MS = 20_000;

/** Full-jitter exponential backoff, never shorter than what the service asked for in `Retry-After`. */
export function backoffMs(
  attempt: number,
  error: { readonly throttling: boolean; readonly retryAfterMs?: number | undefined },
  random: () => number,
): number {
  const base = error.throttling ? THROTTLING_BASE_MS : BASE_MS;
  const jitter = Math.floor(random() * Math.min(MAX_DELAY_MS, base * 2 ** attempt));
  return Math.min(MAX_DELAY_MS, Math.max(jitter, error.retryAfterMs ?? 0));
}
