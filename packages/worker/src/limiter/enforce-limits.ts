import type { Failure } from "../http/failure.ts";
import { askLimiter, refundToken } from "./limiter-client.ts";
import type { LimitCheck } from "./limits.ts";
import type { RateLimitVerdict } from "./rate-limit-headers.ts";
import type { RateLimiter } from "./rate-limiter.ts";

/** Every check admitted (their verdicts feed the `RateLimit` fields), or the failure to answer with. */
export type LimitsOutcome = { ok: true; verdicts: RateLimitVerdict[] } | { ok: false; failure: Failure };

/**
 * Runs checks in order and stops at the first refusal, so later buckets are not drawn from; tokens
 * earlier buckets gave are returned, so a refused request costs no quota. A limiter that errs or is
 * late fails closed.
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
  const taken: LimitCheck["call"][] = [];
  const refused = async (failure: Failure): Promise<LimitsOutcome> => {
    await Promise.all(taken.map((call) => refundToken(namespace, call, timeoutMs)));
    return { ok: false, failure };
  };
  for (const { name, call } of checks) {
    const outcome = await askLimiter(namespace, call, timeoutMs);
    if (!outcome.ok) return refused({ kind: "limiter-unavailable", detail: outcome.detail });
    const verdict = { name, policy: call.policy, decision: outcome.decision };
    if (!outcome.decision.allowed) return refused({ kind: "rate-limited", verdict });
    if (call.consume) taken.push(call);
    verdicts.push(verdict);
  }
  return { ok: true, verdicts };
}
