import type { BucketDecision, BucketPolicy } from "./token-bucket.ts";

/** Policy names shown to clients; never a tenant, key or ARN (draft-ietf-httpapi-ratelimit-headers §8.2). */
export type PolicyName = "channel" | "account" | "auth";

/** A limiter decision together with the policy that produced it. */
export interface RateLimitVerdict {
  name: PolicyName;
  policy: BucketPolicy;
  decision: BucketDecision;
}

/**
 * The IETF `RateLimit-Policy` / `RateLimit` fields and, when refused, `Retry-After`
 * (whole seconds, at least 1, never earlier than the `t` it advertises).
 *
 * @example
 * ```ts
 * rateLimitHeaders(verdict);
 * // { "RateLimit-Policy": '"channel";q=2;w=1', RateLimit: '"channel";r=0;t=1', "Retry-After": "1" }
 * ```
 */
export function rateLimitHeaders(verdict: RateLimitVerdict): Record<string, string> {
  const { name, policy, decision } = verdict;
  const headers: Record<string, string> = {
    "RateLimit-Policy": `"${name}";q=${policy.quota};w=${policy.windowSeconds}`,
  };
  if (decision.allowed) {
    const reset = Math.ceil(decision.fullInMs / 1000);
    headers.RateLimit = `"${name}";r=${decision.remaining};t=${reset}`;
    return headers;
  }
  const retryAfter = Math.min(policy.windowSeconds, Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
  headers.RateLimit = `"${name}";r=0;t=${retryAfter}`;
  headers["Retry-After"] = String(retryAfter);
  return headers;
}
