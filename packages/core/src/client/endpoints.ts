/** @module GetSignalingChannelEndpoint: discovery, a TTL cache per channel and role, and host trust. */
import { abortError, KvsError } from "../errors/kvs-error.ts";
import type { ChannelRole, SignalingProtocol } from "../model/inputs.ts";
import { resourceEndpointListRule } from "../model/rules.ts";
import { BoundedCache } from "../signing/bounded-cache.ts";
import { answerBody } from "./answer-body.ts";
import type { ClientConfig, ClientRuntime } from "./options.ts";
import type { Transport } from "./transport.ts";

/** Endpoints of one channel for one role, by protocol. */
export interface SignalingEndpoints {
  readonly WSS?: string;
  readonly HTTPS?: string;
  readonly WEBRTC?: string;
}

export interface EndpointQuery {
  readonly channelArn: string;
  readonly region: string;
  readonly protocols: readonly SignalingProtocol[];
  readonly role: ChannelRole;
}

const AWS_HOST = /\.amazonaws\.com(\.cn)?$|\.api\.aws$/;

/** Discovered endpoints receive signed requests: only AWS hosts over TLS, or the control plane's own origin. */
export function defaultEndpointTrust(controlPlaneOrigin: string): (url: URL) => boolean {
  const controlPlane = new URL(controlPlaneOrigin);
  const secure = controlPlane.protocol === "https:";
  return (url) => {
    if (url.username !== "" || url.password !== "") return false;
    const tls = url.protocol === "https:" || url.protocol === "wss:";
    if (tls && AWS_HOST.test(url.hostname) && url.port === "") return true;
    const schemeMatches = secure ? tls : url.protocol === "http:" || url.protocol === "ws:";
    return schemeMatches && url.host === controlPlane.host;
  };
}

function untrusted(detail: string): KvsError {
  return new KvsError("UntrustedEndpoint", { message: `GetSignalingChannelEndpoint returned ${detail}` });
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export interface EndpointResolver {
  resolve(query: EndpointQuery, signal?: AbortSignal): Promise<SignalingEndpoints>;
  forget(query: EndpointQuery): void;
}

/** Creates the cached resolver of one client; concurrent lookups of one key share a single call. */
export function createEndpointResolver(
  config: ClientConfig,
  transport: Transport,
  runtime: ClientRuntime,
): EndpointResolver {
  const cache = new BoundedCache<
    string,
    { readonly expiresAt: number; readonly value: Promise<SignalingEndpoints> }
  >(1024);
  const keyOf = (q: EndpointQuery) => `${q.channelArn}\n${q.role}\n${[...q.protocols].sort().join(",")}`;

  // shared by concurrent callers, so it runs without any one caller's signal; the timeout still bounds it
  async function discover(query: EndpointQuery): Promise<SignalingEndpoints> {
    const origin = config.controlPlane(query.region);
    const answer = await transport.send({
      operation: "GetSignalingChannelEndpoint",
      url: new URL("/getSignalingChannelEndpoint", origin).toString(),
      region: query.region,
      body: JSON.stringify({
        ChannelARN: query.channelArn,
        SingleMasterChannelEndpointConfiguration: { Protocols: query.protocols, Role: query.role },
      }),
      idempotent: true,
    });
    const { ResourceEndpointList } = answerBody(
      answer,
      resourceEndpointListRule,
      "GetSignalingChannelEndpoint answered without a ResourceEndpointList",
    );
    const trust = config.isTrustedEndpoint ?? defaultEndpointTrust(origin);
    const endpoints: Record<string, string> = {};
    for (const { Protocol, ResourceEndpoint } of ResourceEndpointList) {
      if (!query.protocols.includes(Protocol as SignalingProtocol)) continue;
      if (!URL.canParse(ResourceEndpoint)) throw untrusted(`a malformed ${Protocol} endpoint`);
      const url = new URL(ResourceEndpoint);
      if (!trust(url)) throw untrusted(`a ${Protocol} endpoint on an untrusted host (${url.host})`);
      endpoints[Protocol] = ResourceEndpoint;
    }
    return endpoints;
  }

  return {
    resolve(query, signal) {
      const key = keyOf(query);
      const cached = cache.get(key);
      if (cached !== undefined && cached.expiresAt > runtime.now()) return untilAborted(cached.value, signal);
      const value = discover(query);
      cache.set(key, { expiresAt: runtime.now() + config.endpointCacheTtlMs, value });
      value.catch(() => cache.delete(key));
      return untilAborted(value, signal);
    },
    forget(query) {
      cache.delete(keyOf(query));
    },
  };
}
