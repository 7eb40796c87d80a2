/**
 * @module The AWS service model's inputs and answers as zod/mini schemas (kept internal), and the rules the
 * proxy shares (region, client id). Checks are the lightest zod offers for the same messages: length limits are
 * patterns, the two list rules one check function (zod's length and refine checks add ~1 KiB gzip), and closed
 * sets and numbers are `z.custom` predicates (zod's enum and number schemas weigh more than its custom class).
 */
import * as z from "zod/mini";
import { type InputIssue, invalidArgument } from "../errors/kvs-error.ts";

/** `ChannelArn` pattern of the kinesis-video-webrtc-storage model. */
export const CHANNEL_ARN_PATTERN: RegExp =
  /^arn:(aws[a-zA-Z-]*):kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+\/[a-zA-Z0-9_.-]+\/[0-9]+$/;
export const CLIENT_ID_PATTERN: RegExp = /^[a-zA-Z0-9_.-]+$/;
// the shape of every AWS region name (us-west-2, us-gov-east-1, cn-north-1, eusc-de-east-1); it becomes part of
// host names
const REGION_PATTERN = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;

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

// AWS partitions other than `aws`, by the prefix of their regions' names (as botocore's partitions.json lists them)
const PARTITIONS: readonly (readonly [partition: string, regionPrefix: string])[] = [
  ["aws-cn", "cn-"],
  ["aws-us-gov", "us-gov-"],
  ["aws-iso", "us-iso-"],
  ["aws-iso-b", "us-isob-"],
  ["aws-iso-e", "eu-isoe-"],
  ["aws-iso-f", "us-isof-"],
  ["aws-eusc", "eusc-"],
];

/**
 * The AWS partition a region belongs to: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, … and `aws` for the rest.
 *
 * @example
 * partitionOf("cn-north-1"); // "aws-cn"
 * partitionOf("us-west-2"); // "aws"
 */
export function partitionOf(region: string): string {
  return PARTITIONS.find(([, prefix]) => region.startsWith(prefix))?.[0] ?? "aws";
}

/** The DNS suffix of the region's AWS endpoints: `amazonaws.com.cn` in China, `amazonaws.com` elsewhere. */
export function awsDomainOf(region: string): string {
  return partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

// an ARN whose partition is its region's: one alternative per partition, and `aws` for no other partition's prefix
const PARTITION_OF_REGION = new RegExp(
  `^arn:(?:${PARTITIONS.map(([partition, prefix]) => `${partition}:kinesisvideo:${prefix}`).join("|")}|aws:kinesisvideo:(?!${PARTITIONS.map(([, prefix]) => prefix).join("|")}))`,
);
const PARTITION_RULE = `must name its region's partition (${PARTITIONS.map(([p, r]) => `${p} for ${r}*`).join(", ")}, aws for the others)`;

export const REGION_RULE = `must be an AWS region such as us-west-2 (${REGION_PATTERN.source})`;

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

export const channelArnRule = z.string("must be a string").check(
  z.regex(/./s, { error: "must not be empty", abort: true }),
  // the control plane caps ChannelARN at 1024; longer input is not worth matching
  z.regex(/^[\s\S]{0,1024}$/, { error: "must be at most 1024 characters", abort: true }),
  z.regex(CHANNEL_ARN_PATTERN, {
    error: `must match the channel ARN pattern ${shown(CHANNEL_ARN_PATTERN)}`,
    abort: true,
  }),
  z.regex(PARTITION_OF_REGION, PARTITION_RULE),
);

export const clientIdRule = z
  .string("must be a string")
  .check(
    z.regex(/^[\s\S]{1,256}$/, { error: "must be 1 to 256 characters", abort: true }),
    z.regex(CLIENT_ID_PATTERN, `must match ${shown(CLIENT_ID_PATTERN)}`),
  );

/** A schema admitting exactly `values`, refusing anything else with `message`. */
const oneOf = <const T extends string>(values: readonly T[], message: string) =>
  z.custom<T>((value) => values.some((allowed) => allowed === value), message);

const roleRule = oneOf(["MASTER", "VIEWER"], "must be MASTER or VIEWER");

const protocolsRule = z
  .array(
    oneOf(["WSS", "HTTPS", "WEBRTC"], "must be WSS, HTTPS or WEBRTC"),
    "must be an array of WSS, HTTPS or WEBRTC",
  )
  .check((check) => {
    const list = check.value;
    const broken =
      list.length === 0
        ? "must list at least one protocol"
        : new Set(list).size < list.length
          ? "must not repeat a protocol"
          : undefined;
    if (broken !== undefined) check.issues.push({ code: "custom", message: broken, input: list });
  });

export const joinStorageSessionRule = z.object(
  { channelArn: channelArnRule },
  "must be a JSON object with channelArn",
);

export const joinStorageSessionAsViewerRule = z.object(
  { channelArn: channelArnRule, clientId: clientIdRule },
  "must be a JSON object with channelArn and clientId",
);

export const getSignalingChannelEndpointRule = z.object(
  { channelArn: channelArnRule, protocols: protocolsRule, role: roleRule },
  "must be an object with channelArn, protocols and role",
);

export const getIceServerConfigRule = z.object(
  { channelArn: channelArnRule, clientId: z.optional(clientIdRule), role: z.optional(roleRule) },
  "must be an object with channelArn",
);

/** `ResourceEndpointList` of GetSignalingChannelEndpoint. */
export const resourceEndpointListRule = z.object({
  ResourceEndpointList: z.array(z.object({ Protocol: z.string(), ResourceEndpoint: z.string() })),
});

/** `IceServerList` of GetIceServerConfig. */
export const iceServerListRule = z.object({
  IceServerList: z.array(
    z.object({
      Uris: z.array(z.string()),
      Username: z.string(),
      Password: z.string(),
      Ttl: z.custom<number>(Number.isFinite),
    }),
  ),
});

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Flattens zod issues to `{ path, message }`; an absent field "is required" rather than "must be a string". */
export function toInputIssues(error: z.core.$ZodError, input: unknown, root: string): InputIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : root;
    const missing = issue.code === "invalid_type" && valueAt(input, issue.path) === undefined;
    return { path, message: missing ? "is required" : issue.message };
  });
}

/**
 * `input` checked against `rule`, or an `InvalidArgumentException` naming each field and the rule it breaks.
 *
 * @example
 * const { channelArn } = parseWith(joinStorageSessionRule, body, "body");
 */
export function parseWith<T>(rule: z.ZodMiniType<T>, input: unknown, root: string): T {
  const checked = rule.safeParse(input);
  if (!checked.success) throw invalidArgument(toInputIssues(checked.error, input, root));
  return checked.data;
}
