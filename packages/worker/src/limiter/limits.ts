/**
 * @module Limiter policy and calls: which buckets an operation or an auth failure draws from, and asking their
 * Durable Objects — all at once, within a deadline, failing closed, refunding tokens a later refusal wasted.
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
import type { BucketDecision, BucketPolicy, RateLimiter } from "./rate-limiter.ts";

/** One question for one limiter object: which object, which bucket, and whether to take a token. */
export interface LimiterCall {
  readonly objectName: string;
  readonly bucket: string;
  readonly policy: BucketPolicy;
  readonly consume: boolean;
}

/** A limiter question together with the public policy name its refusal is reported under. */
export interface LimitCheck {
  readonly name: PolicyName;
  readonly call: LimiterCall;
}

/** Operations with their own per-channel budget (for each role). */
export type LimitedOperation = "join" | "device-session";

/** A tenant's own limits, which can only lower the configured ones. */
export interface TenantLimits {
  readonly joinPerSecond?: number | undefined;
  readonly deviceSessionPerSecond?: number | undefined;
}

type LimiterNamespace = DurableObjectNamespace<RateLimiter>;

/** The binding of the limiter's Durable Object class (wrangler.toml `LIMITER`). */
export interface LimiterBindings {
  readonly LIMITER: LimiterNamespace;
}

const check = (
  name: PolicyName,
  objectName: string,
  bucket: string,
  quota: number,
  windowSeconds: number,
) => ({
  name,
  call: { objectName, bucket, policy: { quota, windowSeconds }, consume: true },
});

const lower = (configured: number, tenantLimit: number | undefined) =>
  tenantLimit === undefined ? configured : Math.min(configured, tenantLimit);

/**
 * The buckets one operation draws from, in order: the channel (tenant limits can only lower it), then, for joins,
 * the AWS account, so one tenant cannot exhaust an account shared with others. Each role has its own buckets, as
 * AWS counts `JoinStorageSession` and `JoinStorageSessionAsViewer` apart: viewers never spend the master's budget.
 *
 * @example
 * operationLimits("join", "MASTER", channel, config, tenant.limits); // [channel check, account check]
 */
export function operationLimits(
  operation: LimitedOperation,
  role: ChannelRole,
  channel: ChannelArnParts,
  config: Config,
  tenant: TenantLimits | undefined,
): LimitCheck[] {
  const channelObject = `channel:${channel.arn}`;
  const bucket = `${operation}:${role}`;
  if (operation === "device-session") {
    const quota = lower(config.DEVICE_SESSION_LIMIT_PER_SECOND, tenant?.deviceSessionPerSecond);
    return [check("channel", channelObject, bucket, quota, 1)];
  }
  return [
    check("channel", channelObject, bucket, lower(config.JOIN_LIMIT_PER_SECOND, tenant?.joinPerSecond), 1),
    check("account", `account:${channel.accountId}`, bucket, config.ACCOUNT_JOIN_LIMIT_PER_SECOND, 1),
  ];
}

/**
 * Buckets of authentication failures per key id and per client address; far smaller than the
 * operation limits, because only brute force fails repeatedly (OWASP API2).
 *
 * @example
 * authFailureLimits("demo", "203.0.113.9", config, true);
 */
export function authFailureLimits(
  keyId: string | undefined,
  address: string | undefined,
  config: Config,
  consume: boolean,
): LimitCheck[] {
  const names = [keyId && `auth-key:${keyId}`, address && `auth-address:${address}`];
  return names
    .filter((name): name is string => typeof name === "string" && name !== "")
    .map((objectName) => {
      const { name, call } = check("auth", objectName, "failures", config.AUTH_FAILURE_LIMIT_PER_MINUTE, 60);
      return { name, call: { ...call, consume } };
    });
}

const flag = (error: unknown, name: "retryable" | "overloaded"): boolean =>
  typeof error === "object" && error !== null && Reflect.get(error, name) === true;

/**
 * Asks a limiter object for a decision within `timeoutMs`. A `.retryable` error is retried once on a
 * new stub (a broken stub fails forever); `.overloaded` errors never are, since retries feed the overload.
 *
 * @example
 * const decision = await askLimiter(env.LIMITER, checks[0].call, 1000); // { ok: false, error: "limiter timeout" }
 */
export async function askLimiter(
  namespace: LimiterNamespace,
  call: LimiterCall,
  timeoutMs: number,
): Promise<Result<BucketDecision, string>> {
  const deadline = AbortSignal.timeout(timeoutMs);
  for (let attempt = 1; ; attempt++) {
    try {
      const stub = namespace.getByName(call.objectName);
      const pending = call.consume
        ? stub.take(call.bucket, call.policy)
        : stub.peek(call.bucket, call.policy);
      return ok(await untilAborted(pending, deadline));
    } catch (error) {
      if (deadline.aborted) return fail("limiter timeout");
      const retryable = flag(error, "retryable") && !flag(error, "overloaded");
      if (attempt > 1 || !retryable) {
        if (flag(error, "overloaded")) return fail("limiter overloaded");
        return fail(error instanceof Error ? `limiter error: ${error.name}` : "limiter error");
      }
    }
  }
}

async function refundToken(namespace: LimiterNamespace, call: LimiterCall, timeoutMs: number): Promise<void> {
  try {
    const stub = namespace.getByName(call.objectName);
    await untilAborted(stub.refund(call.bucket, call.policy), AbortSignal.timeout(timeoutMs));
  } catch {
    // a lost refund only makes the limit stricter, the safe direction
  }
}

/**
 * Asks every check at once (one round trip, not one per bucket) and admits only if all admit. Tokens that
 * admitting buckets gave to a request another bucket refused are returned, so a refused request costs no
 * quota; the first refusal in `checks` order is reported. A limiter that errs or is late fails closed.
 *
 * @example
 * const limited = await enforceLimits(env.LIMITER, operationLimits("join", "MASTER", channel, config, tenant.limits), 1000);
 * if (!limited.ok) return reject(c, limited.error);
 */
export async function enforceLimits(
  namespace: LimiterNamespace,
  checks: readonly LimitCheck[],
  timeoutMs: number,
): Promise<Result<RateLimitVerdict[], Failure>> {
  const answers = await Promise.all(checks.map(({ call }) => askLimiter(namespace, call, timeoutMs)));
  const verdicts: RateLimitVerdict[] = [];
  let failure: Failure | undefined;
  for (const [index, { name, call }] of checks.entries()) {
    const answer = answers[index];
    if (answer === undefined) continue;
    if (!answer.ok) {
      failure ??= { kind: "limiter-unavailable", detail: answer.error };
      continue;
    }
    const verdict = { name, ...call.policy, ...answer.value };
    if (answer.value.allowed) verdicts.push(verdict);
    else failure ??= { kind: "rate-limited", verdict };
  }
  if (failure === undefined) return ok(verdicts);
  const given = checks.filter(({ call }, index) => {
    const answer = answers[index];
    return call.consume && answer?.ok === true && answer.value.allowed;
  });
  await Promise.all(given.map(({ call }) => refundToken(namespace, call, timeoutMs)));
  return fail(failure);
}
