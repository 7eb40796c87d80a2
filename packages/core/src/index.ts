/** @module Client for the AWS Kinesis Video WebRTC Storage API, built only on Web Crypto and fetch. */
export type {
  CallOptions,
  IceServer,
  KvsClient,
} from "./client/create-client.ts";
export { createClient } from "./client/create-client.ts";
export type { SignalingEndpoints } from "./client/endpoints.ts";
export { endpointTrust } from "./client/endpoints.ts";
export type { ClientOptions, Logger } from "./client/options.ts";
export type { Credentials, CredentialsInput } from "./credentials.ts";
export type { ErrorFault, KvsErrorCode } from "./errors/error-codes.ts";
export type { InputIssue } from "./errors/kvs-error.ts";
export { isKvsError, KvsError, untilAborted } from "./errors/kvs-error.ts";
export type { ChannelArnParts } from "./model/channel-arn.ts";
export { parseChannelArn } from "./model/channel-arn.ts";
export type {
  ChannelRole,
  GetIceServerConfigInput,
  GetSignalingChannelEndpointInput,
  JoinStorageSessionAsViewerInput,
  JoinStorageSessionInput,
  SignalingProtocol,
} from "./model/inputs.ts";
export { parseJoinStorageSessionAsViewerInput, parseJoinStorageSessionInput } from "./model/inputs.ts";
export { isClientId, isRegion, partitionOf } from "./model/rules.ts";
export type { PresignOptions, SignedRequest, SignOptions } from "./signing/sign.ts";
export { presignUrl, signRequest } from "./signing/sign.ts";
export type { SignableRequest } from "./signing/sigv4.ts";
export type { StorageSessionOptions } from "./storage-session/open-storage-session.ts";
export { openStorageSession } from "./storage-session/open-storage-session.ts";
export type { ProxyToken, RtcIceServer } from "./storage-session/session-access.ts";
export { rtcIceServers } from "./storage-session/session-access.ts";
export type { SessionEvents, StorageSession } from "./storage-session/session-events.ts";
export { StorageSessionEvent } from "./storage-session/session-events.ts";
export type { WebSocketConstructor, WebSocketLike } from "./storage-session/signaling-connection.ts";
export type {
  IceCandidate,
  SendOptions,
  SessionDescription,
  StatusResponse,
} from "./storage-session/signaling-messages.ts";
export { BoundedCache } from "./utils/bounded-cache.ts";
