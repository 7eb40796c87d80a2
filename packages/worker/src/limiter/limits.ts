import type { ChannelArnParts } from "@kvs-webrtc-storage/core";
import type { TenantRecord } from "../auth/tenant-record.ts";
import type { Limits } from "../config/config.ts";
import type { LimiterCall } from "./limiter-client.ts";
import type { PolicyName } from "./rate-limit-headers.ts";

/** Operations with their own per-channel budget. */
export type LimitedOperation = "join" | "device-session";

/** A limiter question together with the public policy name its refusal is reported under. */
export interface LimitCheck {
  name: PolicyName;
  call: LimiterCall;
}

/**
 * The buckets one operation draws from, in order: the channel (tenant limits can only lower it),
 * then, for joins, the AWS account, so one tenant cannot exhaust an account shared with others.
 *
 * @example
 * ```ts
 * operationLimits("join", channel, config.limits, tenant); // [channel check, account check]
 * ```
 */
export function operationLimits(
  operation: LimitedOperation,
  channel: ChannelArnParts,
  limits: Limits,
  tenant: TenantRecord,
): LimitCheck[] {
  const channelObject = `channel:${channel.arn}`;
  if (operation === "device-session") {
    const quota = lower(limits.deviceSessionPerSecond, tenant.limits?.deviceSessionPerSecond);
    return [check("channel", channelObject, "device-session", quota, 1)];
  }
  return [
    check("channel", channelObject, "join", lower(limits.joinPerSecond, tenant.limits?.joinPerSecond), 1),
    check("account", `account:${channel.accountId}`, "join", limits.accountJoinPerSecond, 1),
  ];
}

/**
 * Buckets of authentication failures per key id and per client address; far smaller than the
 * operation limits, because only brute force fails repeatedly (OWASP API2).
 *
 * @example
 * ```ts
 * authFailureLimits("demo", "203.0.113.9", config.limits, true);
 * ```
 */
export function authFailureLimits(
  keyId: string | undefined,
  address: string | undefined,
  limits: Limits,
  consume: boolean,
): LimitCheck[] {
  const names = [keyId && `auth-key:${keyId}`, address && `auth-address:${address}`];
  return names
    .filter((name): name is string => typeof name === "string" && name !== "")
    .map((objectName) => check("auth", objectName, "failures", limits.authFailuresPerMinute, 60, consume));
}

function check(
  name: PolicyName,
  objectName: string,
  bucket: string,
  quota: number,
  windowSeconds: number,
  consume = true,
): LimitCheck {
  return { name, call: { objectName, bucket, policy: { quota, windowSeconds }, consume } };
}

function lower(configured: number, tenantLimit: number | undefined): number {
  return tenantLimit === undefined ? configured : Math.min(configured, tenantLimit);
}
