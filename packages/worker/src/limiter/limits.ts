/**
 * @module Limiter policy and calls: which object and windows an operation draws from, asking that object — once,
 * within a deadline, failing closed — and the refusals this isolate already knows.
 */
import { BoundedCache, type ChannelArnParts, type ChannelRole, untilAborted } from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";
import { type Failure, fail, ok, type RateLimitVerdict, type Result } from "../errors/errors.ts";
import type { JoinDecision } from "./join-schedule.ts";
import type { RateLimiter } from "./rate-limiter.ts";

/** Operations with their own per-channel budget (for each role). */
export type LimitedOperation = "join" | "device-session";

/** What a tenant's record sets for its limits: lower channel limits, and its weight in each account's sharing. */
export interface TenantLimits {
  readonly joinPerSecond?: number | undefined;
  readonly deviceSessionPerSecond?: number | undefined;
  readonly accountShareWeight?: number | undefined;
}

type LimiterNamespace = DurableObjectNamespace<RateLimiter>;

/** The binding of the limiter's Durable Object class (wrangler.toml `LIMITER`). */
export interface LimiterBindings {
  readonly LIMITER: LimiterNamespace;
}

const lower = (configured: number, tenantLimit: number | undefined) =>
  tenantLimit === undefined ? configured : Math.min(configured, tenantLimit);

/** An admitted operation: its limit's fields, and how long it waits for its reserved slot (0: none). */
export interface Admission {
  readonly verdict: RateLimitVerdict;
  readonly waitMs: number;
  /** Gives the reserved slot back, for a device that left before it came. */
  release(): Promise<void>;
}

/**
 * Rate-limits one operation of a tenant in one round trip. A join asks its AWS account's object (per region, as
 * AWS counts): the channel's window, then the account's, shared fairly between the tenants asking. Device sessions
 * ask their channel's object. Each role has its own windows, as AWS counts `JoinStorageSession` and
 * `JoinStorageSessionAsViewer` apart. Windows are one second plus `LIMIT_WINDOW_MARGIN_MS`.
 *
 * @example
 * const limited = await limitOperation(env.LIMITER, "join", "MASTER", channel, tenant, config);
 * if (!limited.ok) return reject(c, limited.error);
 */
export async function limitOperation(
  namespace: LimiterNamespace,
  operation: LimitedOperation,
  role: ChannelRole,
  channel: ChannelArnParts,
  tenant: { readonly tenantId: string; readonly limits?: TenantLimits | undefined },
  config: Config,
): Promise<Result<Admission, Failure>> {
  const windowMs = 1000 + config.LIMIT_WINDOW_MARGIN_MS;
  const bucket = `${operation}:${role}`;
  const limits = tenant.limits;
  const isJoin = operation === "join";
  const channelQuota = isJoin
    ? lower(config.JOIN_LIMIT_PER_SECOND, limits?.joinPerSecond)
    : lower(config.DEVICE_SESSION_LIMIT_PER_SECOND, limits?.deviceSessionPerSecond);
  const accountQuota = config.ACCOUNT_JOIN_LIMIT_PER_SECOND;
  const object = isJoin ? `account:${channel.region}:${channel.accountId}` : `channel:${channel.arn}`;
  const channelKey = `${object}|${bucket}|${channel.arn}|${channelQuota}`;
  const tenantKey = `${object}|${bucket}|${tenant.tenantId}`;
  const refusals = knownRefusalsOf(config);
  const known = recall(refusals, channelKey) ?? recall(refusals, tenantKey);
  if (known !== undefined) return fail({ kind: "rate-limited", verdict: known });
  const startMs = Date.now();
  const join = {
    tenant: tenant.tenantId,
    weight: limits?.accountShareWeight ?? 1,
    channel: channel.arn,
    channelQuota,
    toldTurnAt: refusals.get(tenantKey)?.turnAt,
  };
  const answer = await askLimiter(
    namespace,
    object,
    config,
    async (stub): Promise<JoinDecision | undefined> =>
      isJoin
        ? stub.join(
            bucket,
            join,
            { quota: accountQuota, windowMs },
            { horizonMs: config.MAX_QUEUE_WAIT_MS, maxHeld: config.MAX_HELD_REQUESTS },
          )
        : (await stub.take([{ bucket, policy: { quota: channelQuota, windowMs } }]))[0],
  );
  if (!answer.ok) return answer;
  if (answer.value === undefined) return fail({ kind: "limiter-unavailable", detail: "no decision" });
  const { turnEveryMs, ...decision } = answer.value;
  const byAccount = decision.refusedBy === "account";
  const name = byAccount ? "account" : "channel";
  const verdict: RateLimitVerdict = {
    ...decision,
    name,
    quota: byAccount ? accountQuota : channelQuota,
    windowMs,
  };
  if (decision.allowed) {
    const { waitMs = 0, slotAt = 0 } = decision;
    const release = async () => {
      await askLimiter(namespace, object, config, (stub) => stub.release(bucket, slotAt, channel.arn));
    };
    return ok({ verdict, waitMs, release });
  }
  // scheduled, a refusal is a turn beyond the hold, and holds until the hold reaches it; otherwise a full channel
  // holds until its retry time, a borrower until the account's state can next change, and a tenant refused
  // within its share may be admitted as soon as others' joins leave, so its refusal is not kept
  const horizonMs = config.MAX_QUEUE_WAIT_MS;
  const turnAt = horizonMs > 0 ? startMs + decision.retryAfterMs : undefined;
  const holdsForMs =
    turnAt !== undefined
      ? decision.retryAfterMs - horizonMs
      : byAccount
        ? decision.holdsForMs
        : decision.retryAfterMs;
  if (holdsForMs !== undefined && holdsForMs > 0) {
    const untilMs = startMs + holdsForMs;
    refusals.set(byAccount ? tenantKey : channelKey, { verdict, untilMs, turnAt, turnEveryMs });
  }
  return fail({ kind: "rate-limited", verdict });
}

/**
 * Refusals this isolate has seen, for as long as they cannot end: a channel's full window until its retry time,
 * a tenant refused while asking beyond its share until a join leaves or another tenant's asks move, and a turn
 * beyond the hold until the hold reaches it. Their repeats are refused here, so a flood costs its account's object
 * (which decides for every tenant of the account) about one call each such time and isolate. Kept per
 * configuration, and bounded: a forgotten refusal only sends its next repeat to the object.
 */
const knownRefusals = new WeakMap<Config, KnownRefusals>();
type KnownRefusals = BoundedCache<
  string,
  {
    verdict: RateLimitVerdict;
    untilMs: number;
    turnAt: number | undefined;
    turnEveryMs: number | undefined;
  }
>;

function knownRefusalsOf(config: Config): KnownRefusals {
  let known = knownRefusals.get(config);
  if (known === undefined) {
    known = new BoundedCache(4096);
    knownRefusals.set(config, known);
  }
  return known;
}

// a known refusal that still holds, its retry time counted from now; a turn moves on as the object's turns do
// at each repeat, so the devices told it come back one by one, not together, and the object is told the last
function recall(refusals: KnownRefusals, key: string): RateLimitVerdict | undefined {
  const refusal = refusals.get(key);
  const nowMs = Date.now();
  if (refusal === undefined || refusal.untilMs <= nowMs) return undefined;
  const { verdict } = refusal;
  if (refusal.turnAt !== undefined) refusal.turnAt += refusal.turnEveryMs ?? verdict.windowMs / verdict.quota;
  return { ...verdict, retryAfterMs: (refusal.turnAt ?? refusal.untilMs) - nowMs };
}

const flag = (error: unknown, name: "retryable" | "overloaded"): boolean =>
  typeof error === "object" && error !== null && Reflect.get(error, name) === true;

/**
 * Asks one limiter object within `LIMITER_TIMEOUT_MS`. A `.retryable` error is retried once on a new stub (a
 * broken stub fails forever); `.overloaded` errors never are, since retries feed the overload. Every failure is
 * the one `limiter-unavailable`: the caller fails closed.
 *
 * @example
 * const answer = await askLimiter(env.LIMITER, "channel:arn:…", config, (stub) => stub.take(checks));
 */
export async function askLimiter<T>(
  namespace: LimiterNamespace,
  objectName: string,
  config: Config,
  ask: (stub: DurableObjectStub<RateLimiter>) => Promise<T>,
): Promise<Result<T, Failure>> {
  // a timer cleared on the answer, not AbortSignal.timeout's, which stays armed (workerd caps armed timers)
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), config.LIMITER_TIMEOUT_MS);
  const unavailable = (detail: string) => fail({ kind: "limiter-unavailable" as const, detail });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return ok(await untilAborted(ask(namespace.getByName(objectName)), deadline.signal));
      } catch (error) {
        if (deadline.signal.aborted) return unavailable("limiter timeout");
        const retryable = flag(error, "retryable") && !flag(error, "overloaded");
        if (attempt > 1 || !retryable) {
          if (flag(error, "overloaded")) return unavailable("limiter overloaded");
          return unavailable(error instanceof Error ? `limiter error: ${error.name}` : "limiter error");
        }
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
