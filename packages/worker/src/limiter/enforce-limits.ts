import type { Failure } from "../http/failure.ts";
import { askLimiter, refundToken } from "./limiter-client.ts";
import type { LimitCheck } from "./limits.ts";
import type { RateLimitVerdict } from "./rate-limit-headers.ts";
import type { RateLimiter } from "./rate-limiter.ts";

/** Every check admitted (their verdicts feed the `RateLimit` fields), or the failure to answer with. */
export type LimitsOutcome = { ok: true; verdicts: RateLimitVerdict[] } | { ok: false; failure: Failure };

/**
 * Asks every check at once (one round trip, not one per bucket) and admits only if all admit. Tokens that
 * admitting buckets gave to a request another bucket refused are returned, so a refused request costs no
 * quota; the first refusal in `checks` order is reported. A limiter that errs or is late fails closed.
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
  const outcomes = await Promise.all(checks.map(({ call }) => askLimiter(namespace, call, timeoutMs)));
  const verdicts: RateLimitVerdict[] = [];
  let failure: Failure | undefined;
  for (const [index, { name, call }] of checks.entries()) {
    const outcome = outcomes[index];
    if (outcome === undefined) continue;
    if (!outcome.ok) {
      failure ??= { kind: "limiter-unavailable", detail: outcome.detail };
      continue;
    }
    const verdict = { name, policy: call.policy, decision: outcome.decision };
    if (outcome.decision.allowed) verdicts.push(verdict);
    else failure ??= { kind: "rate-limited", verdict };
  }
  if (failure === undefined) return { ok: true, verdicts };
  const given = checks.filter(({ call }, index) => {
    const outcome = outcomes[index];
    return call.consume && outcome?.ok === true && outcome.decision.allowed;
  });
  await Promise.all(given.map(({ call }) => refundToken(namespace, call, timeoutMs)));
  return { ok: false, failure };
}
