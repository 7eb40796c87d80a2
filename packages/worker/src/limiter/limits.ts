/**
 * @module Limiter policy and calls: which object and windows an operation or an authentication failure draws
 * from, and asking that object — once, within a deadline, failing closed.
 */
import { type ChannelArnParts, type ChannelRole, untilAborted } from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";
import {
  type Failure,
  fail,
  ok,
  type PolicyName,
  type RateLimitVerdict,
  type Result,
} from "../errors/errors.ts";
import type { RateLimiter, WindowCheck } from "./rate-limiter.ts";
import type { WindowDecision } from "./windows.ts";

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
): Promise<Result<RateLimitVerdict, Failure>> {
  const windowMs = 1000 + config.LIMIT_WINDOW_MARGIN_MS;
  const bucket = `${operation}:${role}`;
  if (operation === "device-session") {
    const policy = {
      quota: lower(config.DEVICE_SESSION_LIMIT_PER_SECOND, tenant.limits?.deviceSessionPerSecond),
      windowMs,
    };
    const answer = await askLimiter(namespace, `channel:${channel.arn}`, config, (stub) =>
      stub.take([{ bucket, policy }]),
    );
    return verdictOf("channel", policy.quota, windowMs, answer, (decisions) => decisions[0]);
  }
  const channelQuota = lower(config.JOIN_LIMIT_PER_SECOND, tenant.limits?.joinPerSecond);
  const request = {
    tenant: tenant.tenantId,
    weight: tenant.limits?.accountShareWeight ?? 1,
    channel: channel.arn,
    channelQuota,
  };
  const policy = { quota: config.ACCOUNT_JOIN_LIMIT_PER_SECOND, windowMs };
  const account = `account:${channel.region}:${channel.accountId}`;
  const answer = await askLimiter(namespace, account, config, (stub) => stub.join(bucket, request, policy));
  if (!answer.ok) return answer;
  const byAccount = answer.value.refusedBy === "account";
  return verdictOf(
    byAccount ? "account" : "channel",
    byAccount ? policy.quota : channelQuota,
    windowMs,
    answer,
    (d) => d,
  );
}

function verdictOf<T>(
  name: PolicyName,
  quota: number,
  windowMs: number,
  answer: Result<T, Failure>,
  decisionOf: (value: T) => WindowDecision | undefined,
): Result<RateLimitVerdict, Failure> {
  if (!answer.ok) return answer;
  const decision = decisionOf(answer.value);
  if (decision === undefined)
    return fail({ kind: "limiter-unavailable", detail: "limiter answered nothing" });
  const { allowed, remaining, retryAfterMs, fullInMs } = decision;
  const verdict = { name, quota, windowMs, allowed, remaining, retryAfterMs, fullInMs };
  return allowed ? ok(verdict) : fail({ kind: "rate-limited", verdict });
}

const flag = (error: unknown, name: "retryable" | "overloaded"): boolean =>
  typeof error === "object" && error !== null && Reflect.get(error, name) === true;

/**
 * Asks one limiter object within `LIMITER_TIMEOUT_MS`. A `.retryable` error is retried once on a new stub (a
 * broken stub fails forever); `.overloaded` errors never are, since retries feed the overload. Every failure is
 * the one `limiter-unavailable`: the caller fails closed.
 *
 * @example
 * const answer = await askLimiter(env.LIMITER, "channel:arn:…", config, (stub) => stub.peek(checks));
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

// Addresses that failed here lately, one slot per address hash holding the time its suspicion ends. Nothing is
// ever evicted (a slot only moves later), so no flood of other failures makes an address look clean again; two
// addresses sharing a slot only cost each other a limiter call.
const SUSPECT_SLOTS = 8192;
const suspectUntil = new Float64Array(SUSPECT_SLOTS);

function suspectSlot(address: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) hash = Math.imul(hash ^ address.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SUSPECT_SLOTS;
}

/**
 * The failure windows of a client address (IPv6 by /64): all its failures, and its failures per key id. A key id
 * is never counted across addresses, so nobody can lock a tenant out from elsewhere (OWASP API2 with care).
 *
 * @example
 * authFailureChecks("acme", config); // [{ bucket: "failures", … }, { bucket: "key:acme", … }]
 */
export function authFailureChecks(keyId: string | undefined, config: Config): WindowCheck[] {
  const minute = 60_000;
  const checks = [
    { bucket: "failures", policy: { quota: config.AUTH_ADDRESS_FAILURE_LIMIT_PER_MINUTE, windowMs: minute } },
  ];
  if (keyId !== undefined) {
    checks.push({
      bucket: `key:${keyId}`,
      policy: { quota: config.AUTH_FAILURE_LIMIT_PER_MINUTE, windowMs: minute },
    });
  }
  return checks;
}

/**
 * Whether an address may try a credential now: refused (429 "auth") when it, or it with this key id, is out of
 * failures. Clean traffic pays nothing: only an address that failed here within the window is asked about.
 *
 * @example
 * const budget = await failureBudget(env.LIMITER, "203.0.113.9", "acme", config, Date.now());
 */
export async function failureBudget(
  namespace: LimiterNamespace,
  address: string,
  keyId: string | undefined,
  config: Config,
  nowMs: number,
): Promise<Result<void, Failure>> {
  if ((suspectUntil[suspectSlot(address)] ?? 0) <= nowMs) return ok(undefined);
  const checks = authFailureChecks(keyId, config);
  const answer = await askLimiter(namespace, `auth:${address}`, config, (stub) => stub.peek(checks));
  if (!answer.ok) return answer;
  for (const [index, decision] of answer.value.entries()) {
    const windowMs = checks[index]?.policy.windowMs ?? 60_000;
    const verdict = { name: "auth" as const, quota: checks[index]?.policy.quota ?? 0, windowMs, ...decision };
    if (!decision.allowed) return fail({ kind: "rate-limited", verdict });
  }
  return ok(undefined);
}

/**
 * Counts a failed credential against its address's windows, and remembers the address as suspect here. Best
 * effort: a limiter outage must not turn a 401 into something more informative.
 *
 * @example
 * await countFailure(env.LIMITER, "203.0.113.9", "acme", config, Date.now());
 */
export async function countFailure(
  namespace: LimiterNamespace,
  address: string,
  keyId: string | undefined,
  config: Config,
  nowMs: number,
): Promise<void> {
  const slot = suspectSlot(address);
  suspectUntil[slot] = Math.max(suspectUntil[slot] ?? 0, nowMs + 60_000);
  const checks = authFailureChecks(keyId, config);
  await askLimiter(namespace, `auth:${address}`, config, (stub) => stub.take(checks));
}
