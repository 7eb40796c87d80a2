/** @module `createClient`: the KVS WebRTC Storage operations over one transport and endpoint cache. */
import { isKvsError, KvsError } from "../errors/kvs-error.ts";
import { parseChannelArn } from "../model/channel-arn.ts";
import {
  type ChannelRole,
  type GetIceServerConfigInput,
  type GetSignalingChannelEndpointInput,
  type JoinStorageSessionAsViewerInput,
  type JoinStorageSessionInput,
  parseGetIceServerConfigInput,
  parseGetSignalingChannelEndpointInput,
  parseJoinStorageSessionAsViewerInput,
  parseJoinStorageSessionInput,
  type SignalingProtocol,
} from "../model/inputs.ts";
import { checkRegion, iceServerListRule } from "../model/rules.ts";
import { answerBody } from "./answer-body.ts";
import { createEndpointResolver, type SignalingEndpoints } from "./endpoints.ts";
import { type ClientOptions, type ClientRuntime, resolveOptions, systemRuntime } from "./options.ts";
import { createTransport } from "./transport.ts";

/** Per-call options of every client operation. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** A TURN server for the channel; `ttl` is in seconds. */
export interface IceServer {
  readonly uris: readonly string[];
  readonly username: string;
  readonly password: string;
  readonly ttl: number;
}

/** The client `createClient` returns. */
export interface KvsClient {
  /** Joins (or starts) the channel's storage session as the master; AWS then sends an SDP offer over signaling. */
  joinStorageSession(input: JoinStorageSessionInput, options?: CallOptions): Promise<{ requestId: string }>;
  /** Joins the channel's storage session as a viewer identified by `clientId`. */
  joinStorageSessionAsViewer(
    input: JoinStorageSessionAsViewerInput,
    options?: CallOptions,
  ): Promise<{ requestId: string }>;
  /** The channel's endpoints for a role (cached for `endpointCacheTtlMs`). */
  getSignalingChannelEndpoint(
    input: GetSignalingChannelEndpointInput,
    options?: CallOptions,
  ): Promise<SignalingEndpoints>;
  /** The channel's TURN servers, from its HTTPS signaling endpoint. */
  getIceServerConfig(
    input: GetIceServerConfigInput,
    options?: CallOptions,
  ): Promise<{ iceServers: IceServer[] }>;
}

// a cached endpoint that stops answering, or a channel that no longer exists, must be rediscovered next time
const STALE_ENDPOINT_CODES = new Set(["NetworkError", "TimeoutError", "ResourceNotFoundException"]);

/** `createClient` with the clock, timers and randomness supplied (tests use this). */
export function createClientWithRuntime(options: ClientOptions, runtime: ClientRuntime): KvsClient {
  const config = resolveOptions(options, runtime);
  const transport = createTransport(config, runtime);
  const endpoints = createEndpointResolver(config, transport, runtime);
  // an ARN names any partition's region; one that is not a region's shape fails here, naming the ARN
  const regionOf = (channelArn: string) =>
    config.region ?? checkRegion(parseChannelArn(channelArn).region, "channelArn");

  async function join(
    operation: "JoinStorageSession" | "JoinStorageSessionAsViewer",
    role: ChannelRole,
    body: Record<string, string> & { channelArn: string },
    signal: AbortSignal | undefined,
  ): Promise<{ requestId: string }> {
    const region = regionOf(body.channelArn);
    const query = { channelArn: body.channelArn, region, protocols: ["WEBRTC" as const], role };
    const endpoint = config.endpoint ?? endpointFor(await endpoints.resolve(query, signal), "WEBRTC");
    const path = operation === "JoinStorageSession" ? "/joinStorageSession" : "/joinStorageSessionAsViewer";
    try {
      const answer = await transport.send({
        operation,
        url: new URL(path, endpoint).toString(),
        region,
        body: JSON.stringify(body),
        idempotent: false,
        signal,
      });
      return { requestId: answer.requestId };
    } catch (error) {
      if (isKvsError(error) && STALE_ENDPOINT_CODES.has(error.code)) endpoints.forget(query);
      throw error;
    }
  }

  return {
    async joinStorageSession(input, callOptions = {}) {
      const { channelArn } = parseJoinStorageSessionInput(input);
      return join("JoinStorageSession", "MASTER", { channelArn }, callOptions.signal);
    },
    async joinStorageSessionAsViewer(input, callOptions = {}) {
      const { channelArn, clientId } = parseJoinStorageSessionAsViewerInput(input);
      return join("JoinStorageSessionAsViewer", "VIEWER", { channelArn, clientId }, callOptions.signal);
    },
    async getSignalingChannelEndpoint(input, callOptions = {}) {
      const { channelArn, protocols, role } = parseGetSignalingChannelEndpointInput(input);
      return endpoints.resolve(
        { channelArn, region: regionOf(channelArn), protocols, role },
        callOptions.signal,
      );
    },
    async getIceServerConfig(input, callOptions = {}) {
      const { channelArn, clientId, role } = parseGetIceServerConfigInput(input);
      const region = regionOf(channelArn);
      const query = {
        channelArn,
        region,
        // asked with WSS, as signaling clients ask: one cached discovery then serves the connect and the ICE lookup
        protocols: ["WSS" as const, "HTTPS" as const],
        role: role ?? (clientId ? "VIEWER" : "MASTER"),
      };
      const HTTPS = endpointFor(await endpoints.resolve(query, callOptions.signal), "HTTPS");
      const answer = await transport.send({
        operation: "GetIceServerConfig",
        url: new URL("/v1/get-ice-server-config", HTTPS).toString(),
        region,
        body: JSON.stringify({
          ChannelARN: channelArn,
          ...(clientId ? { ClientId: clientId } : {}),
          Service: "TURN",
        }),
        idempotent: true,
        signal: callOptions.signal,
      });
      const { IceServerList } = answerBody(
        answer,
        iceServerListRule,
        "GetIceServerConfig answered without a valid IceServerList",
      );
      const iceServers = IceServerList.map((s) => ({
        uris: s.Uris,
        username: s.Username,
        password: s.Password,
        ttl: s.Ttl,
      }));
      return { iceServers };
    },
  };
}

function endpointFor(endpoints: SignalingEndpoints, protocol: SignalingProtocol): string {
  const endpoint = endpoints[protocol];
  if (endpoint !== undefined) return endpoint;
  throw new KvsError("UnknownError", {
    message: `GetSignalingChannelEndpoint returned no ${protocol} endpoint`,
    fault: "server",
  });
}

/**
 * Creates a client for the KVS WebRTC Storage API. Inputs are validated before any network call; joins go to the
 * channel's WEBRTC endpoint, discovered with GetSignalingChannelEndpoint and cached.
 *
 * @example
 * const kvs = createClient({ credentials: { accessKeyId, secretAccessKey } });
 * const { requestId } = await kvs.joinStorageSession({
 *   channelArn: "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000",
 * });
 */
export function createClient(options: ClientOptions): KvsClient {
  return createClientWithRuntime(options, systemRuntime);
}
