/**
 * @module The limiter's counting, pure and clock-free: sliding windows (never more than `quota` admissions in any
 * `windowMs`, which is how AWS and the emulator count), and the fair sharing of one AWS account's joins between
 * the tenants asking for them.
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

function decisionOf(live: readonly number[], policy: WindowPolicy, nowMs: number, allowed: boolean) {
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

/** One tenant's join on one channel of the account. */
export interface JoinRequest {
  readonly tenant: string;
  /** The tenant's weight in the account's sharing (1 unless configured). */
  readonly weight: number;
  readonly channel: string;
  /** Joins the channel admits per window (the configured limit, or a tenant's lower one). */
  readonly channelQuota: number;
}

/** The joins of one AWS account and role: who was admitted when, and which tenants asked lately. */
export interface AccountJoins {
  readonly admitted: readonly { readonly at: number; readonly tenant: string; readonly channel: string }[];
  /** Per tenant that asked within two windows: its weight and its latest requests' times (at most quota + 1). */
  readonly asked: readonly {
    readonly tenant: string;
    readonly weight: number;
    readonly times: readonly number[];
  }[];
}

/**
 * A join decision, which limit refused it, and for a tenant refused while asking beyond its share, how long the
 * refusal holds at least (until the others' asks next move, or the oldest join leaves).
 */
export interface JoinDecision extends WindowDecision {
  readonly refusedBy?: "channel" | "account";
  readonly holdsForMs?: number;
}

/**
 * Decides a join against its channel's window and its account's, sharing the account fairly. One join per window
 * (of a quota of 10 or more) is held for tenants that have not asked lately; each tenant that asked within the
 * last two windows is guaranteed `weight / Σ weights` of the rest (in whole joins, at least one), and may borrow
 * beyond it only what leaves the held join and every other tenant room for its recent demand (plus one; its whole
 * share in its first window) up to its own share.
 * On success the decision reports the channel's window; on refusal, the limit that refused.
 *
 * @example
 * const { decision, state } = admitJoin(undefined, { tenant: "acme", weight: 1, channel: arn, channelQuota: 2 },
 *   { quota: 50, windowMs: 1050 }, Date.now());
 */
export function admitJoin(
  previous: AccountJoins | undefined,
  request: JoinRequest,
  policy: WindowPolicy,
  nowMs: number,
): { decision: JoinDecision; state: AccountJoins } {
  const { quota, windowMs } = policy;
  const { tenant, weight, channel, channelQuota } = request;
  const admitted = (previous?.admitted ?? []).filter((entry) => entry.at > nowMs - windowMs);
  const recently = (times: readonly number[]) => times.filter((time) => time > nowMs - 2 * windowMs);
  const others = (previous?.asked ?? [])
    .filter((asker) => asker.tenant !== tenant)
    .map((asker) => ({ ...asker, times: recently(asker.times) }))
    .filter((asker) => asker.times.length > 0);
  const earlier = recently(previous?.asked.find((asker) => asker.tenant === tenant)?.times ?? []);
  const at = Math.max(nowMs, admitted.at(-1)?.at ?? nowMs);
  const channelTimes = admitted.filter((entry) => entry.channel === channel).map((entry) => entry.at);
  const channelPolicy = { quota: channelQuota, windowMs };
  const refused = channelTimes.length >= channelQuota;
  // demand counts only requests their channel let through: a flood the channel refuses claims no account share
  const asked = [
    ...others,
    { tenant, weight, times: refused ? earlier : [...earlier, at].slice(-quota - 1) },
  ];
  const state = { admitted, asked };
  if (refused)
    return {
      decision: { ...decisionOf(channelTimes, channelPolicy, nowMs, false), refusedBy: "channel" },
      state,
    };

  // one join per window waits for a tenant that has not asked lately, so a newcomer never waits out a flood;
  // under 10 a window that would cost a lone tenant more than a tenth of the account
  const held = quota >= 10 ? 1 : 0;
  const totalWeight = asked.reduce((sum, asker) => sum + asker.weight, 0);
  // whole joins, at least one: the fractions of shares go to borrowing, and with more tenants asking than joins
  // in a window each still has one that nobody may borrow
  const share = (of: number) => Math.max(1, Math.floor(((quota - held) * of) / totalWeight));
  const used = (of: string) => admitted.filter((entry) => entry.tenant === of).length;
  // only a tenant that has not asked lately may take the held join
  let reserved = earlier.length === 0 ? 0 : held;
  const borrowing = used(tenant) + 1 > share(weight);
  for (const other of borrowing ? others : []) {
    const wanted = Math.min(share(other.weight), expectedDemand(other.times, nowMs, windowMs));
    reserved += Math.max(0, wanted - used(other.tenant));
  }
  if (admitted.length + 1 + reserved > quota) {
    const decision = decisionOf(
      admitted.map((entry) => entry.at),
      policy,
      nowMs,
      false,
    );
    // a borrower's share and the others' room change only when a join leaves or another's ask crosses a window
    let holdsForMs = decision.retryAfterMs;
    for (const time of others.flatMap((other) => other.times)) {
      holdsForMs = Math.min(
        holdsForMs,
        (time + windowMs > nowMs ? time + windowMs : time + 2 * windowMs) - nowMs,
      );
    }
    return { decision: { ...decision, refusedBy: "account", ...(borrowing && { holdsForMs }) }, state };
  }
  channelTimes.push(at);
  state.admitted = [...admitted, { at, tenant, channel }];
  return { decision: decisionOf(channelTimes, channelPolicy, nowMs, true), state };
}

// what a tenant may ask for in the coming window: one more than the most it asked in either of the last two, or,
// if it began asking within the last window, anything (its demand is not known yet)
function expectedDemand(times: readonly number[], nowMs: number, windowMs: number): number {
  if ((times[0] ?? nowMs) > nowMs - windowMs) return Infinity;
  const recent = times.filter((time) => time > nowMs - windowMs).length;
  return Math.max(recent, times.length - recent) + 1;
}
