/**
 * @module The two ways a storage session reaches KVS: with AWS credentials (discovery, a presigned ConnectAs* URL,
 * signed joins), or through the proxy with a device token (its device session, then its join routes).
 */
import { createClient } from "../client/create-client.ts";
import { type CredentialsInput, credentialSource } from "../credentials.ts";
import { invalidArgument, KvsError } from "../errors/kvs-error.ts";
import { parseAwsError, requestIdOf } from "../errors/parse-aws-error.ts";
import { awsDomainOf } from "../model/rules.ts";
import { presignUrl } from "../signing/sign.ts";
import { isObject, parseJsonObject } from "../utils/json.ts";

/** An ICE server as `RTCPeerConnection` takes it. */
export interface RtcIceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The participant a session acts as. */
export interface SessionParticipant {
  readonly channelArn: string;
  readonly region: string;
  readonly role: "MASTER" | "VIEWER";
  readonly clientId: string | undefined;
}

/** What the session loop needs from KVS, however it is reached. */
export interface SessionAccess {
  /** A signaling URL to open now (presigned, short-lived), with the channel's ICE servers. */
  connect(signal: AbortSignal): Promise<{ signalingUrl: string; iceServers: readonly RtcIceServer[] }>;
  /** One join call; never repeated here (the loop paces and counts them). */
  join(signal: AbortSignal): Promise<void>;
}

// KVS signaling clients presign for just under five minutes
const PRESIGN_SECONDS = 299;

/**
 * TURN servers as `RTCIceServer`s, after the region's STUN server as the KVS SDKs add it.
 *
 * @example
 * rtcIceServers("us-west-2", [])[0]; // { urls: ["stun:stun.kinesisvideo.us-west-2.amazonaws.com:443"] }
 */
export function rtcIceServers(
  region: string,
  servers: readonly {
    readonly uris: readonly string[];
    readonly username: string;
    readonly password: string;
  }[],
): RtcIceServer[] {
  return [
    { urls: [`stun:stun.kinesisvideo.${region}.${awsDomainOf(region)}:443`] },
    ...servers.map((server) => ({
      urls: [...server.uris],
      username: server.username,
      credential: server.password,
    })),
  ];
}

/** Access with the caller's own AWS credentials. */
export function credentialAccess(
  participant: SessionParticipant,
  options: {
    readonly credentials: CredentialsInput;
    readonly controlPlaneEndpoint?: string | undefined;
    readonly fetch?: typeof fetch | undefined;
  },
): SessionAccess {
  const credentials = credentialSource(options.credentials);
  // one attempt per call: the session loop paces and counts every join itself
  const client = createClient({
    credentials,
    maxAttempts: 1,
    ...(options.controlPlaneEndpoint === undefined
      ? {}
      : { controlPlaneEndpoint: options.controlPlaneEndpoint }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const { channelArn, region, role, clientId } = participant;
  return {
    async connect(signal) {
      const endpoints = await client.getSignalingChannelEndpoint(
        { channelArn, protocols: ["WSS", "HTTPS"], role },
        { signal },
      );
      if (endpoints.WSS === undefined) {
        throw new KvsError("UnknownError", {
          message: "GetSignalingChannelEndpoint returned no WSS endpoint",
        });
      }
      const url = new URL(endpoints.WSS);
      url.searchParams.set("X-Amz-ChannelARN", channelArn);
      if (clientId !== undefined) url.searchParams.set("X-Amz-ClientId", clientId);
      const [signalingUrl, ice] = await Promise.all([
        presignUrl(url, { credentials, region, expiresIn: PRESIGN_SECONDS }),
        client.getIceServerConfig(
          { channelArn, role, ...(clientId === undefined ? {} : { clientId }) },
          { signal },
        ),
      ]);
      return { signalingUrl: signalingUrl.toString(), iceServers: rtcIceServers(region, ice.iceServers) };
    },
    async join(signal) {
      if (clientId === undefined) await client.joinStorageSession({ channelArn }, { signal });
      else await client.joinStorageSessionAsViewer({ channelArn, clientId }, { signal });
    },
  };
}

/** A device token, or a function that returns a fresh one for each call (tokens are short-lived). */
export type ProxyToken = string | (() => string | Promise<string>);

const PROXY_TIMEOUT_MS = 10_000;

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

function isRtcIceServer(value: unknown): value is RtcIceServer {
  if (!isObject(value) || !isStrings(value.urls)) return false;
  return [value.username, value.credential].every(
    (field) => field === undefined || typeof field === "string",
  );
}

/** Access through the proxy, with a device token. */
export function proxyAccess(
  participant: SessionParticipant,
  options: { readonly origin: string; readonly token: ProxyToken; readonly fetch?: typeof fetch | undefined },
): SessionAccess {
  const { channelArn, role, clientId } = participant;
  const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const host = new URL(options.origin).host;

  async function call(path: string, body: object, signal: AbortSignal): Promise<Record<string, unknown>> {
    const token = typeof options.token === "string" ? options.token : await options.token();
    if (typeof token !== "string" || token === "") {
      throw invalidArgument([
        { path: "proxy.token", message: "the function must return a non-empty string" },
      ]);
    }
    let response: Response;
    let text: string;
    try {
      response = await fetcher(new URL(path, options.origin), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(PROXY_TIMEOUT_MS)]),
        redirect: "manual",
      });
      text = await response.text();
    } catch (cause) {
      if (signal.aborted) throw cause;
      const timedOut = (cause as { name?: unknown } | undefined)?.name === "TimeoutError";
      const code = timedOut ? "TimeoutError" : "NetworkError";
      throw new KvsError(code, { message: `No answer from the proxy at ${host} (${path})`, cause });
    }
    if (!response.ok)
      throw parseAwsError(
        { status: response.status, headers: response.headers, body: text },
        { secrets: [token] },
      );
    return parseJsonObject(text) ?? { requestId: requestIdOf(response.headers) };
  }

  return {
    async connect(signal) {
      const answer = await call(
        "/v1/device-session",
        { channelArn, role, ...(clientId === undefined ? {} : { clientId }) },
        signal,
      );
      const { signalingUrl, iceServers } = answer;
      if (
        typeof signalingUrl !== "string" ||
        !/^wss?:$/.test(URL.canParse(signalingUrl) ? new URL(signalingUrl).protocol : "")
      ) {
        throw new KvsError("UnknownError", {
          message: "The proxy's device session has no ws(s) signalingUrl",
        });
      }
      return { signalingUrl, iceServers: Array.isArray(iceServers) ? iceServers.filter(isRtcIceServer) : [] };
    },
    async join(signal) {
      if (clientId === undefined) await call("/joinStorageSession", { channelArn }, signal);
      else await call("/joinStorageSessionAsViewer", { channelArn, clientId }, signal);
    },
  };
}
