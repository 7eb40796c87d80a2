/**
 * @module The limiter's counting, pure and clock-free: sliding windows (never more than `quota` admissions in any
 * `windowMs`, which is how AWS and the emulator count), and where one more admission fits among reserved ones.
 */

/** At most `quota` admissions in any `windowMs` milliseconds. */
export interface WindowPolicy {
  readonly quota: number;
  readonly windowMs: number;
}

/** The answer to one request. */
export interface WindowDecision {
  readonly allowed: boolean;
  /** Admissions still possible right now, after this decision. */
  readonly remaining: number;
  /** Milliseconds until this request could be admitted (0 when allowed). */
  readonly retryAfterMs: number;
  /** Milliseconds until the window holds no admission (its whole quota is free again). */
  readonly fullInMs: number;
}

/**
 * Admits a request if fewer than `quota` admissions lie in the window ending now, and records it when `consume`.
 * `times` are admission times, oldest first; a clock that steps back records the latest time seen, never earlier.
 *
 * @example
 * const { decision, times } = admitInWindow([], { quota: 2, windowMs: 1000 }, Date.now(), true);
 * decision.allowed; // true, and times.length === 1
 */
export function admitInWindow(
  times: readonly number[],
  policy: WindowPolicy,
  nowMs: number,
  consume: boolean,
): { decision: WindowDecision; times: number[] } {
  const live = times.filter((time) => time > nowMs - policy.windowMs);
  const allowed = live.length < policy.quota;
  if (allowed && consume) live.push(Math.max(nowMs, live.at(-1) ?? nowMs));
  return { decision: decisionOf(live, policy, nowMs, allowed), times: live };
}

/** The answer for a window holding `live` (ascending), admitted or not, as seen at `nowMs`. */
export function decisionOf(live: readonly number[], policy: WindowPolicy, nowMs: number, allowed: boolean) {
  // a refused request fits once enough admissions have left the window (for a join refused to leave others room,
  // no sooner than the oldest leaves)
  const freeing = live[Math.max(0, live.length - policy.quota)] ?? nowMs;
  const newest = live.at(-1);
  return {
    allowed,
    remaining: Math.max(0, policy.quota - live.length),
    retryAfterMs: allowed ? 0 : Math.max(1, freeing + policy.windowMs - nowMs),
    fullInMs: newest === undefined ? 0 : Math.max(0, newest + policy.windowMs - nowMs),
  };
}

/**
 * The earliest time from `fromMs` at which one more admission keeps every window of `windowMs` within `quota`,
 * among `times` (ascending) that may lie on both sides of it.
 *
 * @example
 * firstFit([0, 10], { quota: 2, windowMs: 1000 }, 0); // 1000: joins at 0 and 10 fill every window up to then
 */
export function firstFit(times: readonly number[], policy: WindowPolicy, fromMs: number): number {
  const { quota, windowMs } = policy;
  let at = fromMs;
  for (let last = quota - 1; last < times.length; last++) {
    const latest = times[last] ?? 0;
    const earliest = times[last - quota + 1] ?? 0;
    // these `quota` share a window, so one more anywhere in (latest − window, earliest + window) would join them;
    // both ends only grow with `last`, so once `at` lies before one such span it lies before every later one
    if (latest - windowMs >= at) break;
    if (latest - earliest < windowMs && at < earliest + windowMs) at = earliest + windowMs;
  }
  return at;
}
