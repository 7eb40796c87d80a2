/** @module The request shapes of the client operations, validated before any network call. */
import {
  getIceServerConfigRule,
  getSignalingChannelEndpointRule,
  joinStorageSessionAsViewerRule,
  joinStorageSessionRule,
  parseWith,
} from "./rules.ts";

/** The body of `JoinStorageSession`. */
export interface JoinStorageSessionInput {
  readonly channelArn: string;
}

/** The body of `JoinStorageSessionAsViewer`. */
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
  const { channelArn } = parseWith(joinStorageSessionRule, input, "body");
  return { channelArn };
}

/**
 * Validates a `JoinStorageSessionAsViewer` body.
 *
 * @example
 * const { channelArn, clientId } = parseJoinStorageSessionAsViewerInput(body);
 */
export function parseJoinStorageSessionAsViewerInput(input: unknown): JoinStorageSessionAsViewerInput {
  const { channelArn, clientId } = parseWith(joinStorageSessionAsViewerRule, input, "body");
  return { channelArn, clientId };
}

/** Endpoint kinds of a signaling channel. */
export type SignalingProtocol = "WSS" | "HTTPS" | "WEBRTC";

/** A participant's role on a signaling channel. */
export type ChannelRole = "MASTER" | "VIEWER";

/** What `getSignalingChannelEndpoint` asks for. */
export interface GetSignalingChannelEndpointInput {
  readonly channelArn: string;
  readonly protocols: readonly SignalingProtocol[];
  readonly role: ChannelRole;
}

/** What `getIceServerConfig` asks for; a viewer names itself with `clientId`. */
export interface GetIceServerConfigInput {
  readonly channelArn: string;
  readonly clientId?: string | undefined;
  readonly role?: ChannelRole | undefined;
}

export function parseGetSignalingChannelEndpointInput(input: unknown): GetSignalingChannelEndpointInput {
  return parseWith(getSignalingChannelEndpointRule, input, "input");
}

export function parseGetIceServerConfigInput(input: unknown): GetIceServerConfigInput {
  return parseWith(getIceServerConfigRule, input, "input");
}
