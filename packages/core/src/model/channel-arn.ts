/** @module Signaling channel ARNs: validation and the parts the client and proxy route on. */
import { channelArnRule, parseWith } from "./rules.ts";

/** The parts of a KVS signaling channel ARN. */
export interface ChannelArnParts {
  /** The ARN itself; the model pattern admits exactly one spelling, so it is already canonical. */
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly resourceType: string;
  readonly channelName: string;
  /** The creation timestamp in the ARN, in epoch milliseconds. */
  readonly creationTime: number;
}

/**
 * Validates a channel ARN against the service model and splits it into its parts.
 * Throws `KvsError` (`InvalidArgumentException`) naming the rule it breaks.
 *
 * @example
 * parseChannelArn("arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000").region;
 * // "us-west-2"
 */
export function parseChannelArn(arn: unknown): ChannelArnParts {
  const checked = parseWith(channelArnRule, arn, "channelArn");
  // the pattern admits no ":" or "/" inside a part, so splitting is exact
  const [, partition = "", , region = "", accountId = "", resource = ""] = checked.split(":");
  const [resourceType = "", channelName = "", created = ""] = resource.split("/");
  return {
    arn: checked,
    partition,
    region,
    accountId,
    resourceType,
    channelName,
    creationTime: Number(created),
  };
}
