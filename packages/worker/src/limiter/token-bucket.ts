/** A bucket holding up to `quota` tokens that refills `quota` tokens every `windowSeconds`. */
export interface BucketPolicy {
  quota: number;
  windowSeconds: number;
}

/** What a bucket remembers between decisions. */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

/** The answer to one request for a token. */
export interface BucketDecision {
  allowed: boolean;
  /** Whole tokens left after this decision. */
  remaining: number;
  /** Milliseconds until one token is available again (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  fullInMs: number;
}

/**
 * Refills a bucket up to `nowMs` and, when `consume` is set, takes one token if one is there.
 * Pure and clock-free: the caller passes time, so it is testable and identical on every replica.
 *
 * @example
 * ```ts
 * const { decision, state } = decide(undefined, { quota: 2, windowSeconds: 1 }, Date.now(), true);
 * decision.allowed; // true, and state.tokens === 1
 * ```
 */
export function decide(
  previous: BucketState | undefined,
  policy: BucketPolicy,
  nowMs: number,
  consume: boolean,
): { decision: BucketDecision; state: BucketState } {
  const perMs = policy.quota / (policy.windowSeconds * 1000);
  // A clock that steps back must not mint tokens, so negative elapsed time counts as none.
  const elapsedMs = previous === undefined ? 0 : Math.max(0, nowMs - previous.updatedAtMs);
  const refilled = Math.min(policy.quota, (previous?.tokens ?? policy.quota) + elapsedMs * perMs);
  const allowed = refilled >= 1;
  const tokens = allowed && consume ? refilled - 1 : refilled;
  const state = { tokens, updatedAtMs: Math.max(nowMs, previous?.updatedAtMs ?? nowMs) };
  return {
    decision: {
      allowed,
      remaining: Math.floor(tokens),
      retryAfterMs: allowed ? 0 : Math.ceil((1 - refilled) / perMs),
      fullInMs: Math.ceil((policy.quota - tokens) / perMs),
    },
    state,
  };
}

/**
 * Gives one token back (up to the quota), for a request a later check refused after this bucket
 * had admitted it.
 *
 * @example
 * ```ts
 * const state = refund(previous, { quota: 2, windowSeconds: 1 }, Date.now());
 * ```
 */
export function refund(previous: BucketState | undefined, policy: BucketPolicy, nowMs: number): BucketState {
  const { state } = decide(previous, policy, nowMs, false);
  return { ...state, tokens: Math.min(policy.quota, state.tokens + 1) };
}
