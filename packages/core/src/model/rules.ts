/**
 * @module The rules of the AWS service model: each field's rule is a zod/mini schema (kept internal). The objects
 * and lists around the fields are checked here by hand: zod's object and array schemas would add ~2 KiB gzip to
 * every bundle of core for checks this small.
 */
import * as z from "zod/mini";
import { type InputIssue, invalidArgument } from "../errors/kvs-error.ts";
import { isObject } from "../utils/json.ts";

/** `ChannelArn` pattern of the kinesis-video-webrtc-storage model. */
export const CHANNEL_ARN_PATTERN: RegExp =
  /^arn:(aws[a-zA-Z-]*):kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+\/[a-zA-Z0-9_.-]+\/[0-9]+$/;
export const CLIENT_ID_PATTERN: RegExp = /^[a-zA-Z0-9_.-]+$/;
// the shape of every AWS region name (us-west-2, us-gov-east-1, cn-north-1); it becomes part of host names
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/**
 * Whether `value` has the shape of an AWS region name: the one rule for signing, client options and the proxy.
 *
 * @example
 * isRegion("us-west-2"); // true
 * isRegion("US West"); // false
 */
export function isRegion(value: unknown): value is string {
  return typeof value === "string" && REGION_PATTERN.test(value);
}

export const REGION_RULE = "must be an AWS region such as us-west-2";

export function checkRegion(region: unknown, path = "region"): string {
  if (!isRegion(region)) throw invalidArgument([{ path, message: REGION_RULE }]);
  return region;
}

/**
 * Whether `value` is a valid signaling `ClientId` (1 to 256 of `a-zA-Z0-9_.-`), as the service model defines it.
 *
 * @example
 * isClientId("viewer-1"); // true
 */
export function isClientId(value: unknown): value is string {
  return typeof value === "string" && value.length <= 256 && CLIENT_ID_PATTERN.test(value);
}

/** `source[key]` when it is an integer from `min` to `max`; when absent, `fallback` if there is one. */
export function integerIn<K extends string>(
  issues: InputIssue[],
  source: { readonly [P in K]?: unknown },
  key: K,
  min: number,
  max: number,
  fallback?: number,
): number {
  const value = source[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
  issues.push({ path: key, message: `must be an integer from ${min} to ${max}` });
  return fallback ?? 0;
}

const shown = (pattern: RegExp): string => pattern.source.replaceAll("\\/", "/");

// length limits are patterns too: zod's length checks would add ~0.4 KiB gzip to every bundle of core
export const channelArnRule = z.string("must be a string").check(
  z.regex(/./s, { error: "must not be empty", abort: true }),
  // the control plane caps ChannelARN at 1024; longer input is not worth matching
  z.regex(/^[\s\S]{0,1024}$/, { error: "must be at most 1024 characters", abort: true }),
  z.regex(CHANNEL_ARN_PATTERN, `must match the channel ARN pattern ${shown(CHANNEL_ARN_PATTERN)}`),
);

export const clientIdRule = z
  .string("must be a string")
  .check(
    z.regex(/^[\s\S]{1,256}$/, { error: "must be 1 to 256 characters", abort: true }),
    z.regex(CLIENT_ID_PATTERN, `must match ${shown(CLIENT_ID_PATTERN)}`),
  );

export const protocolRule = z.enum(["WSS", "HTTPS", "WEBRTC"], "must be WSS, HTTPS or WEBRTC");
export const roleRule = z.enum(["MASTER", "VIEWER"], "must be MASTER or VIEWER");

/** Adds an issue at `path` for each rule `value` breaks; an absent value "is required" unless `absent` is false. */
export function checkValue<T>(
  rule: z.ZodMiniType<T>,
  value: unknown,
  path: string,
  issues: InputIssue[],
  absent = value === undefined,
): T | undefined {
  const parsed = rule.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    issues.push({ path, message: absent && issue.code === "invalid_type" ? "is required" : issue.message });
  }
  return undefined;
}

/** `input` as an object whose fields can be checked, or the issue of its not being one. */
export function objectOf(input: unknown, root: string, rule: string): Record<string, unknown> {
  if (isObject(input)) return input;
  throw invalidArgument([{ path: root, message: input === undefined ? "is required" : rule }]);
}

/** Checks the field `key` of `object`; inherited values are read but only an own value counts as present. */
export function checkField<T>(
  object: Record<string, unknown>,
  key: string,
  rule: z.ZodMiniType<T>,
  issues: InputIssue[],
): T | undefined {
  const value = object[key];
  return checkValue(rule, value, key, issues, !Object.hasOwn(object, key) || value === undefined);
}

const areStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

/** `ResourceEndpointList` of a GetSignalingChannelEndpoint answer, or `undefined` when it has none. */
export function resourceEndpointList(
  json: Record<string, unknown> | undefined,
): { Protocol: string; ResourceEndpoint: string }[] | undefined {
  const list = json?.ResourceEndpointList;
  const valid =
    Array.isArray(list) &&
    list.every(
      (e) => isObject(e) && typeof e.Protocol === "string" && typeof e.ResourceEndpoint === "string",
    );
  return valid ? list : undefined;
}

/** `IceServerList` of a GetIceServerConfig answer, or `undefined` when it has none. */
export function iceServerList(
  json: Record<string, unknown> | undefined,
): { Uris: string[]; Username: string; Password: string; Ttl: number }[] | undefined {
  const list = json?.IceServerList;
  const valid =
    Array.isArray(list) &&
    list.every(
      (s) =>
        isObject(s) &&
        areStrings(s.Uris) &&
        typeof s.Username === "string" &&
        typeof s.Password === "string" &&
        Number.isFinite(s.Ttl),
    );
  return valid ? list : undefined;
}
