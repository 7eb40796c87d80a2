/** The KVS model's pattern for channel ARNs. */
export const CHANNEL_ARN_PATTERN =
  "^arn:(aws[a-zA-Z-]*):kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+$";

/** The KVS model's pattern for viewer client ids and channel names. */
export const NAME_PATTERN = "^[a-zA-Z0-9_.-]+$";

/** The model's string rule for a channel ARN member (pattern and length). */
export const ARN_RULE = { pattern: CHANNEL_ARN_PATTERN, minLength: 1, maxLength: 1024 } as const;

/** The model's string rule for a channel name or client id member. */
export const NAME_RULE = { pattern: NAME_PATTERN, minLength: 1, maxLength: 256 } as const;

const ARN_REGEX = new RegExp(CHANNEL_ARN_PATTERN);

/** The parts of a well-formed channel ARN. */
export interface ChannelArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

/**
 * Splits a channel ARN that matches the model pattern; `undefined` otherwise.
 *
 * @example
 * parseChannelArn("arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000")?.region;
 * // "us-west-2"
 */
export function parseChannelArn(arn: string): ChannelArnParts | undefined {
  if (arn.length > 1024 || !ARN_REGEX.test(arn)) return undefined;
  const [, partition = "", , region = "", account = "", resource = ""] = arn.split(":");
  const [, name = ""] = resource.split("/");
  return { partition, region, account, name };
}
