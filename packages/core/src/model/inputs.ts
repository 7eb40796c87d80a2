/** @module The request shapes of the client operations, validated before any network call. */
import { invalidArgument } from "../errors/kvs-error.ts";
import {
  getIceServerConfigRule,
  getSignalingChannelEndpointRule,
  joinStorageSessionAsViewerRule,
  joinStorageSessionRule,
  toInputIssues,
} from "./rules.ts";

export interface JoinStorageSessionInput {
  readonly channelArn: string;
}

export interface JoinStorageSessionAsViewerInput {
  readonly channelArn: string;
  readonly clientId: string;
}

/**
 * Validates a `JoinStorageSession` body; unknown members are dropped as AWS ignores them.
 *
 * @example
 * const { channelArn } = parseJoinStorageSessionInput(await request.json());
 */
export function parseJoinStorageSessionInput(input: unknown): JoinStorageSessionInput {
  const checked = joinStorageSessionRule.safeParse(input);
  if (!checked.success) throw invalidArgument(toInputIssues(checked.error, input, "body"));
  return { channelArn: checked.data.channelArn };
}

/**
 * Validates a `JoinStorageSessionAsViewer` body.
 *
 * @example
 * const { channelArn, clientId } = parseJoinStorageSessionAsViewerInput(body);
 */
export function parseJoinStorageSessionAsViewerInput(input: unknown): JoinStorageSessionAsViewerInput {
  const checked = joinStorageSessionAsViewerRule.safeParse(input);
  if (!checked.success) throw invalidArgument(toInputIssues(checked.error, input, "body"));
  return { channelArn: checked.data.channelArn, clientId: checked.data.clientId };
}

/** Endpoint kinds of a signaling channel. */
export type SignalingProtocol = "WSS" | "HTTPS" | "WEBRTC";
export type ChannelRole = "MASTER" | "VIEWER";

export interface GetSignalingChannelEndpointInput {
  readonly channelArn: string;
  readonly protocols: readonly SignalingProtocol[];
  readonly role: ChannelRole;
}

export interface GetIceServerConfigInput {
  readonly channelArn: string;
  readonly clientId?: string | undefined;
  readonly role?: ChannelRole | undefined;
}

export function parseGetSignalingChannelEndpointInput(input: unknown): GetSignalingChannelEndpointInput {
  const checked = getSignalingChannelEndpointRule.safeParse(input);
  if (!checked.success) throw invalidArgument(toInputIssues(checked.error, input, "input"));
  return checked.data;
}

export function parseGetIceServerConfigInput(input: unknown): GetIceServerConfigInput {
  const checked = getIceServerConfigRule.safeParse(input);
  if (!checked.success) throw invalidArgument(toInputIssues(checked.error, input, "input"));
  return checked.data;
}
