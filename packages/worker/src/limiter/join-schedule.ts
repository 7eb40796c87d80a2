/**
 * @module The fair sharing of one AWS account's joins between the tenants asking for them, and their scheduling:
 * a join that does not fit now gets the earliest slot that fits, reserved for it, or is told when to come back.
 */
import { decisionOf, firstFit, type WindowDecision, type WindowPolicy } from "./windows.ts";

/** One tenant's join on one channel of the account. */
export interface JoinRequest {
  readonly tenant: string;
  /** The tenant's weight in the account's sharing (1 unless configured). */
  readonly weight: number;
  readonly channel: string;
  /** Joins the channel admits per window (the configured limit, or a tenant's lower one). */
  readonly channelQuota: number;
  /** The latest turn an isolate told this tenant's devices on its own: the object's next turns come after it. */
  readonly toldTurnAt?: number | undefined;
}

/** One admitted join: when it goes (or went) upstream, for whom, on which channel. */
export interface Admission {
  readonly at: number;
  readonly tenant: string;
  readonly channel: string;
}

/** The joins of one AWS account and role: who was admitted when, which tenants asked lately, whom it told to wait. */
export interface AccountJoins {
  /** Oldest first; reserved slots lie in the future. */
  readonly admitted: readonly Admission[];
  /** Per tenant that asked within two windows: its weight and its latest requests' times (at most quota + 1). */
  readonly asked: readonly {
    readonly tenant: string;
    readonly weight: number;
    readonly times: readonly number[];
  }[];
  /** Per tenant told to come back: the latest slot it was told of. */
  readonly promised: readonly { readonly tenant: string; readonly at: number }[];
}

/**
 * A join decision, which limit refused it, and for a tenant refused while asking beyond its share, how long the
 * refusal holds at least (until the others' asks next move, or the oldest join leaves). An admitted join waits
 * `waitMs` for its reserved slot (0: it goes now).
 */
export interface JoinDecision extends WindowDecision {
  readonly refusedBy?: "channel" | "account";
  readonly holdsForMs?: number;
  readonly waitMs?: number;
  readonly slotAt?: number;
  /** With a turn: how far apart the tenant's turns lie, for an isolate telling the next ones itself. */
  readonly turnEveryMs?: number;
}

/** How far ahead slots are reserved: `horizonMs` 0 never reserves (a join fits now or is refused). */
export interface JoinQueue {
  readonly horizonMs: number;
  /** Reserved slots the account may hold at once, shared by weight; beyond its share a join is told its turn. */
  readonly maxHeld: number;
}

// a slot search that has not settled in this many steps tells the device to come back instead
const MAX_SEARCH_STEPS = 64;

/**
 * Decides a join against its channel's window and its account's, sharing the account fairly. One join per window
 * (of a quota of 10 or more) is held for tenants that have not asked lately; each tenant that asked within the
 * last two windows is guaranteed `weight / Σ weights` of the rest (in whole joins, at least one), and may borrow
 * beyond it only what leaves the held join and every other tenant room for its recent demand (plus one; its whole
 * share in its first window) up to its own share — in every window, reserved ones included.
 * A join that does not fit now gets the earliest slot within `queue.horizonMs` that fits (a tenant's slots in
 * the order it asked; reserved slots, and any in a window half full, a window's share apart: no bursts); beyond it,
 * it is refused with the time its tenant's turn comes, tenants' turns spaced by their shares so none collide.
 *
 * @example
 * const { decision, state } = scheduleJoin(undefined, { tenant: "acme", weight: 1, channel: arn, channelQuota: 2 },
 *   { quota: 50, windowMs: 1050 }, Date.now(), { horizonMs: 3000, maxHeld: 256 });
 */
export function scheduleJoin(
  previous: AccountJoins | undefined,
  request: JoinRequest,
  policy: WindowPolicy,
  nowMs: number,
  queue: JoinQueue = { horizonMs: 0, maxHeld: 0 },
): { decision: JoinDecision; state: AccountJoins; slotAt?: number } {
  const { quota, windowMs } = policy;
  const { tenant, weight, channel, channelQuota } = request;
  const admitted = (previous?.admitted ?? []).filter((entry) => entry.at > nowMs - windowMs);
  const recently = (times: readonly number[]) => times.filter((time) => time > nowMs - 2 * windowMs);
  const others = (previous?.asked ?? [])
    .filter((asker) => asker.tenant !== tenant)
    .map((asker) => ({ ...asker, times: recently(asker.times) }))
    .filter((asker) => asker.times.length > 0);
  const earlier = recently(previous?.asked.find((asker) => asker.tenant === tenant)?.times ?? []);
  const ofChannel = (entries: readonly Admission[]) =>
    entries.filter((entry) => entry.channel === channel).map((entry) => entry.at);
  const channelPolicy = { quota: channelQuota, windowMs };
  // demand counts only requests their channel let through: a flood the channel refuses claims no account share
  const channelFull = ofChannel(admitted).length >= channelQuota;
  const asked = [
    ...others,
    { tenant, weight, times: channelFull ? earlier : [...earlier, nowMs].slice(-quota - 1) },
  ];
  // the turns an isolate told on its own are promised as well as the object's
  const told = request.toldTurnAt ?? 0;
  const promised = (previous?.promised ?? []).filter(
    (promise) => promise.at > nowMs && (promise.tenant !== tenant || promise.at >= told),
  );
  if (told > nowMs && !promised.some((promise) => promise.tenant === tenant))
    promised.push({ tenant, at: told });
  const state = { admitted, asked, promised };

  // one join per window waits for a tenant that has not asked lately, so a newcomer never waits out a flood;
  // under 10 a window that would cost a lone tenant more than a tenth of the account
  const held = quota >= 10 ? 1 : 0;
  const totalWeight = asked.reduce((sum, asker) => sum + asker.weight, 0);
  // whole joins, at least one: the fractions of shares go to borrowing, and with more tenants asking than joins
  // in a window each still has one that nobody may borrow
  const share = (of: number) => Math.max(1, Math.floor(((quota - held) * of) / totalWeight));
  // only a tenant that has not asked lately may take the held join
  const reservedForNewcomers = earlier.length === 0 ? 0 : held;
  const demands = others.map((other) => ({
    tenant: other.tenant,
    wanted: Math.min(share(other.weight), expectedDemand(other.times, nowMs, windowMs)),
  }));

  // the decision for a join at `at`, counting the window that ends there
  const fairAt = (at: number): JoinDecision => {
    const inWindow = admitted.filter((entry) => entry.at > at - windowMs && entry.at <= at);
    const channelTimes = ofChannel(inWindow);
    if (channelTimes.length >= channelQuota)
      return { ...decisionOf(channelTimes, channelPolicy, at, false), refusedBy: "channel" };
    const used = (of: string) => inWindow.filter((entry) => entry.tenant === of).length;
    let reserved = reservedForNewcomers;
    const borrowing = used(tenant) + 1 > share(weight);
    for (const { tenant: other, wanted } of borrowing ? demands : []) {
      reserved += Math.max(0, wanted - used(other));
    }
    if (inWindow.length + 1 + reserved <= quota) {
      return decisionOf([...channelTimes, at], channelPolicy, at, true);
    }
    const decision = decisionOf(
      inWindow.map((entry) => entry.at),
      policy,
      at,
      false,
    );
    // a borrower's share and the others' room change only when a join leaves or another's ask crosses a window
    let holdsForMs = decision.retryAfterMs;
    for (const time of others.flatMap((other) => other.times)) {
      holdsForMs = Math.min(holdsForMs, (time + windowMs > at ? time + windowMs : time + 2 * windowMs) - at);
    }
    return { ...decision, refusedBy: "account", ...(borrowing && { holdsForMs }) };
  };

  const times = admitted.map((entry) => entry.at);
  // the object's holds are shared like its joins: a tenant holding its share cannot keep another from holding
  const ownHolds = admitted.filter((entry) => entry.tenant === tenant && entry.at > nowMs).length;
  const canHold = ownHolds < Math.max(1, Math.floor((queue.maxHeld * weight) / totalWeight));
  // reserved slots, and once a window is half full every slot, lie a share of a window apart: what AWS receives is
  // a steady stream, not bursts a jitter could crowd into one of its seconds
  const spacing = { quota: 1, windowMs: windowMs / quota };
  const busyAt = (at: number) =>
    times.filter((time) => time > at - windowMs && time <= at).length >= quota / 2;
  const ownLatest = admitted.findLast((entry) => entry.tenant === tenant)?.at ?? nowMs;
  let at = Math.max(nowMs, ownLatest);
  let refusal: JoinDecision | undefined;
  for (let step = 0; step < MAX_SEARCH_STEPS && at - nowMs <= queue.horizonMs; step++) {
    const decision = fairAt(at);
    let next = at + decision.retryAfterMs;
    if (decision.allowed) {
      next = firstFit(ofChannel(admitted), channelPolicy, firstFit(times, policy, at));
      // a newcomer takes its held join wherever it is free, between spaced slots too
      const spaced = queue.horizonMs > 0 && earlier.length > 0;
      if (spaced && (next > nowMs || busyAt(next))) next = firstFit(times, spacing, next);
    } else refusal = decision;
    if (next === at && (at === nowMs || canHold)) {
      state.admitted = [...admitted.filter((entry) => entry.at <= at), { at, tenant, channel }];
      state.admitted.push(...admitted.filter((entry) => entry.at > at));
      return { decision: { ...decision, waitMs: at - nowMs, slotAt: at }, state, slotAt: at };
    }
    if (next === at) break;
    at = next;
  }
  if (queue.horizonMs === 0 || refusal?.refusedBy === "channel") {
    const refused = refusal ?? { ...decisionOf(times, policy, nowMs, false), refusedBy: "account" as const };
    return { decision: { ...refused, retryAfterMs: Math.max(1, at - nowMs) }, state };
  }
  // the tenant's turns after the reserved ones, a share of a window apart, so its devices come back one by one
  const lastPromise = promised.find((promise) => promise.tenant === tenant)?.at ?? 0;
  const turnEveryMs = (windowMs * totalWeight) / (weight * (quota - held));
  const turn = Math.max(at, nowMs + queue.horizonMs, lastPromise + turnEveryMs);
  state.promised = [...promised.filter((promise) => promise.tenant !== tenant), { tenant, at: turn }];
  const decision = decisionOf(
    times.filter((time) => time <= nowMs),
    policy,
    nowMs,
    false,
  );
  return {
    decision: { ...decision, retryAfterMs: Math.ceil(turn - nowMs), refusedBy: "account", turnEveryMs },
    state,
  };
}

// what a tenant may ask for in the coming window: one more than the most it asked in either of the last two, or,
// if it began asking within the last window, anything (its demand is not known yet)
function expectedDemand(times: readonly number[], nowMs: number, windowMs: number): number {
  if ((times[0] ?? nowMs) > nowMs - windowMs) return Infinity;
  const recent = times.filter((time) => time > nowMs - windowMs).length;
  return Math.max(recent, times.length - recent) + 1;
}
