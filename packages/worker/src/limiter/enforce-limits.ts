import type { Failure } from "../http/failure.ts";
import { askLimiter } from "./limiter-client.ts";
import type { LimitCheck } from "./limits.ts";
import type { RateLimitVerdict } from "./rate-limit-headers.ts";
import type { RateLimiter } from "./rate-limiter.ts";

/** Every check admitted (their verdicts feed the `RateLimit` fields), or the failure to answer with. */
export type LimitsOutcome = { ok: true; verdicts: RateLimitVerdict[] } | { ok: false; failure: Failure };

/**
 * Runs checks in order and stops at the first refusal, so later buckets are not drawn from.
 * A limiter that errs or is late fails closed.
 *
 * @example
 * ```ts
 * const outcome = await enforceLimits(env.LIMITER, operationLimits("join", channel, limits, tenant), 1000);
 * if (!outcome.ok) return reject(c, outcome.failure);
 * ```
 */
export async function enforceLimits(
  namespace: DurableObjectNamespace<RateLimiter>,
  checks: readonly LimitCheck[],
  timeoutMs: number,
): Promise<LimitsOutcome> {
  const verdicts: RateLimitVerdict[] = [];
  for (const { name, call } of checks) {
    const outcome = await askLimiter(namespace, call, timeoutMs);
    if (!outcome.ok) return { ok: false, failure: { kind: "limiter-unavailable", detail: outcome.detail } };
    const verdict = { name, policy: call.policy, decision: outcome.decision };
    if (!outcome.decision.allowed) return { ok: false, failure: { kind: "rate-limited", verdict } };
    verdicts.push(verdict);
  }
  return { ok: true, verdicts };
}
