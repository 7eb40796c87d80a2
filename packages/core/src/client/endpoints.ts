/** @module GetSignalingChannelEndpoint: discovery, a TTL cache per channel and role, and host trust. */
import { KvsError, untilAborted } from "../errors/kvs-error.ts";
import type { ChannelRole, SignalingProtocol } from "../model/inputs.ts";
import { checkRegion, resourceEndpointListRule } from "../model/rules.ts";
import { BoundedCache } from "../utils/bounded-cache.ts";
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

/**
 * Which discovered endpoints may receive signed requests and presigned URLs for channels of `region`: TLS on the
 * default port to `*.kinesisvideo[-fips].<region>` under amazonaws.com(.cn) or api.aws, or `origin`'s exact host
 * (the control plane or a local emulator) over its own kind of scheme. Checked on the URL that is later dialled.
 *
 * @example
 * const trusted = endpointTrust("us-west-2", "http://127.0.0.1:8790");
 * trusted(new URL("wss://m-1234.kinesisvideo.us-west-2.amazonaws.com")); // true
 * trusted(new URL("https://evil.example/?.amazonaws.com")); // false
 */
export function endpointTrust(region: string, origin?: string): (url: URL) => boolean {
  // the region is checked before it is put in a pattern, so it cannot inject one
  const awsHost = new RegExp(
    `^(?:[a-z0-9-]+\\.)+kinesisvideo(?:-fips)?\\.${checkRegion(region)}\\.(?:amazonaws\\.com(?:\\.cn)?|api\\.aws)$`,
  );
  const local = origin === undefined ? undefined : new URL(origin);
  const localSchemes = local?.protocol === "https:" ? ["https:", "wss:"] : ["http:", "ws:"];
  return (url) => {
    if (url.username !== "" || url.password !== "") return false;
    const tls = url.protocol === "https:" || url.protocol === "wss:";
    if (tls && url.port === "" && awsHost.test(url.hostname)) return true;
    return local !== undefined && url.host === local.host && localSchemes.includes(url.protocol);
  };
}

function untrusted(detail: string): KvsError {
  return new KvsError("UntrustedEndpoint", { message: `GetSignalingChannelEndpoint returned ${detail}` });
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
    const trust = config.isTrustedEndpoint ?? endpointTrust(query.region, origin);
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
