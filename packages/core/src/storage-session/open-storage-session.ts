/** @module `openStorageSession`: from "I have a channel" to "I have the storage session's SDP offer" in one call. */
import { type ClientRuntime, systemRuntime } from "../client/options.ts";
import type { CredentialsInput } from "../credentials.ts";
import { type InputIssue, invalidArgument } from "../errors/kvs-error.ts";
import { parseChannelArn } from "../model/channel-arn.ts";
import { checkRegion, integerIn, isClientId } from "../model/rules.ts";
import { credentialAccess, type ProxyToken, proxyAccess, type SessionParticipant } from "./session-access.ts";
import type { StorageSession } from "./session-events.ts";
import type { WebSocketConstructor } from "./signaling-connection.ts";
import { LiveStorageSession } from "./storage-session.ts";

/** Options of `openStorageSession`: the participant, and either AWS credentials or the proxy with a device token. */
export interface StorageSessionOptions {
  readonly channelArn: string;
  readonly role: "MASTER" | "VIEWER";
  /** Required for a viewer, not allowed for the master. */
  readonly clientId?: string;
  /** With AWS credentials: discovery, a presigned ConnectAs* URL and signed joins, straight to KVS. */
  readonly credentials?: CredentialsInput;
  /** Through the proxy: its `/v1/device-session`, then its join routes, with a device token (or a function that returns a fresh one). */
  readonly proxy?: { readonly origin: string; readonly token: ProxyToken };
  /** With credentials: the control-plane origin (e.g. a local emulator); defaults to the region's KVS endpoint. */
  readonly controlPlaneEndpoint?: string;
  /** How long to wait for the offer after a join before joining again (default 6000 ms, as the KVS samples do). */
  readonly offerTimeoutMs?: number;
  /** Joins without an offer, and failed connects in a row, before the session fails (default 5). */
  readonly maxJoinAttempts?: number;
  /** Stops everything: no more joins, signaling closed, `nextOffer()` rejects with an `AbortError`. */
  readonly signal?: AbortSignal;
  readonly fetch?: typeof fetch;
  /** The WebSocket class; defaults to the runtime's own (Node ≥ 22, Deno, Bun, browsers, workerd). */
  readonly WebSocket?: WebSocketConstructor;
}

const isHttpUrl = (value: unknown): value is string =>
  typeof value === "string" && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const PROXY_ORIGIN_RULE =
  "must be an https origin (http only on loopback), without credentials, path or query";

// the device token travels to it: TLS unless it stays on this machine, and nothing but an origin
function isProxyOrigin(value: unknown): boolean {
  if (!isHttpUrl(value)) return false;
  const url = new URL(value);
  const bare = url.username === "" && url.password === "" && url.pathname === "/" && !url.search && !url.hash;
  return bare && (url.protocol === "https:" || LOOPBACK.has(url.hostname));
}

function participantOf(options: StorageSessionOptions, issues: InputIssue[]): SessionParticipant | undefined {
  const { role, clientId } = options;
  if (role !== "MASTER" && role !== "VIEWER")
    issues.push({ path: "role", message: "must be MASTER or VIEWER" });
  if (role === "VIEWER" && !isClientId(clientId)) {
    issues.push({ path: "clientId", message: "is required for a VIEWER: 1–256 of [a-zA-Z0-9_.-]" });
  }
  if (role === "MASTER" && clientId !== undefined) {
    issues.push({ path: "clientId", message: "is not allowed for the MASTER" });
  }
  try {
    const { region } = parseChannelArn(options.channelArn);
    return { channelArn: options.channelArn, region: checkRegion(region, "channelArn"), role, clientId };
  } catch (error) {
    const found = (error as { issues?: readonly InputIssue[] }).issues;
    issues.push(...(found ?? [{ path: "channelArn", message: "must be a signaling channel ARN" }]));
    return undefined;
  }
}

/** `openStorageSession` with the clock, timers and randomness supplied (tests use this). */
export function openStorageSessionWithRuntime(
  options: StorageSessionOptions,
  runtime: ClientRuntime,
): StorageSession {
  if (typeof options !== "object" || options === null) {
    throw invalidArgument([{ path: "options", message: "must be an object" }]);
  }
  const issues: InputIssue[] = [];
  const participant = participantOf(options, issues);
  const offerTimeoutMs = integerIn(issues, options, "offerTimeoutMs", 100, 120_000, 6000);
  const maxJoinAttempts = integerIn(issues, options, "maxJoinAttempts", 1, 100, 5);
  const { credentials, proxy } = options;
  if ((credentials === undefined) === (proxy === undefined)) {
    issues.push({ path: "credentials", message: "or proxy is required, not both" });
  }
  if (proxy !== undefined && (typeof proxy !== "object" || proxy === null)) {
    issues.push({ path: "proxy", message: "must be { origin, token }" });
  } else if (proxy !== undefined) {
    if (!isProxyOrigin(proxy.origin)) issues.push({ path: "proxy.origin", message: PROXY_ORIGIN_RULE });
    if (options.controlPlaneEndpoint !== undefined) {
      issues.push({
        path: "controlPlaneEndpoint",
        message: "is for credentials; the proxy discovers endpoints",
      });
    }
    const token = proxy.token;
    if (!(typeof token === "function" || (typeof token === "string" && token !== ""))) {
      issues.push({ path: "proxy.token", message: "must be a non-empty string or a function returning one" });
    }
  }
  if (options.controlPlaneEndpoint !== undefined && !isHttpUrl(options.controlPlaneEndpoint)) {
    issues.push({ path: "controlPlaneEndpoint", message: "must be an http(s) URL" });
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    issues.push({ path: "fetch", message: "must be a function" });
  }
  const signal = options.signal;
  if (signal !== undefined && typeof (signal as Partial<AbortSignal>).addEventListener !== "function") {
    issues.push({ path: "signal", message: "must be an AbortSignal" });
  }
  const WebSocketClass = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
  if (typeof WebSocketClass !== "function") {
    issues.push({
      path: "WebSocket",
      message: "is required where the runtime has none (e.g. the ws package)",
    });
  }
  if (issues.length > 0 || participant === undefined || WebSocketClass === undefined)
    throw invalidArgument(issues);
  const access =
    proxy === undefined
      ? credentialAccess(participant, {
          credentials: credentials as CredentialsInput,
          controlPlaneEndpoint: options.controlPlaneEndpoint,
          fetch: options.fetch,
        })
      : proxyAccess(participant, { ...proxy, fetch: options.fetch });
  const settings = { offerTimeoutMs, maxJoinAttempts, WebSocket: WebSocketClass };
  return new LiveStorageSession(access, settings, runtime, options.signal);
}

/**
 * Opens a storage session: the signaling WebSocket first, then a join; joins again (at most 2/s, with backoff and
 * jitter, `maxJoinAttempts` times) until the storage session's SDP offer arrives; reconnects signaling when KVS
 * ends it and joins again when the media session ends. Options are checked before anything is sent.
 *
 * @example
 * const session = openStorageSession({ channelArn, role: "MASTER", proxy: { origin, token } });
 * const offer = await session.nextOffer();
 * const peer = new RTCPeerConnection({ iceServers: [...session.iceServers] });
 * session.addEventListener("icecandidate", (event) => peer.addIceCandidate(event.detail));
 * await peer.setRemoteDescription(offer);
 * peer.onicecandidate = ({ candidate }) => candidate && session.sendIceCandidate(candidate);
 * await peer.setLocalDescription(await peer.createAnswer());
 * session.sendAnswer(peer.localDescription!);
 */
export function openStorageSession(options: StorageSessionOptions): StorageSession {
  return openStorageSessionWithRuntime(options, systemRuntime);
}
