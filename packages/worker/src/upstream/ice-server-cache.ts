/** @module The channels' TURN servers, cached until their credentials near expiry. */
import { BoundedCache, type IceServer, type KvsClient } from "@kvs-webrtc-storage/core";

/** ICE servers as `RTCPeerConnection` takes them. */
export interface RtcIceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

interface Entry {
  servers: Promise<IceServer[]>;
  /** When the earliest credential expires; unknown while pending, and for an empty list (never reused). */
  expiresAtMs: number | undefined;
  pending: boolean;
}

// A device gets credentials with at least this much life left, enough to gather candidates and connect.
const MIN_REMAINING_MS = 60_000;

/**
 * Caches `GetIceServerConfig` per channel and role until the credentials' TTL (minus a margin);
 * concurrent misses share one upstream call, and failures are not cached.
 *
 * @example
 * const cache = new IceServerCache(client);
 * const { servers, expiresAtMs } = await cache.get(channelArn, "VIEWER", signal, Date.now());
 */
export class IceServerCache {
  #client: KvsClient;
  #entries = new BoundedCache<string, Entry>(1000);

  constructor(client: KvsClient) {
    this.#client = client;
  }

  /** The channel's TURN servers and when the earliest of their credentials expires. */
  async get(
    channelArn: string,
    role: "MASTER" | "VIEWER",
    signal: AbortSignal,
    nowMs: number,
  ): Promise<{ servers: IceServer[]; expiresAtMs: number | undefined }> {
    const key = `${channelArn}\n${role}`;
    let entry = this.#entries.get(key);
    const usable = entry?.pending || (entry?.expiresAtMs ?? nowMs) - MIN_REMAINING_MS > nowMs;
    if (entry === undefined || !usable) entry = this.#fetch(key, channelArn, role, signal, nowMs);
    const servers = await entry.servers;
    return { servers, expiresAtMs: entry.expiresAtMs };
  }

  #fetch(
    key: string,
    channelArn: string,
    role: "MASTER" | "VIEWER",
    signal: AbortSignal,
    nowMs: number,
  ): Entry {
    const entry: Entry = { servers: Promise.resolve([]), expiresAtMs: undefined, pending: true };
    entry.servers = this.#client
      .getIceServerConfig({ channelArn, role }, { signal })
      .then(({ iceServers }) => {
        const ttlMs = Math.min(...iceServers.map((server) => server.ttl * 1000));
        entry.expiresAtMs = Number.isFinite(ttlMs) ? nowMs + ttlMs : undefined;
        entry.pending = false;
        return iceServers;
      });
    entry.servers.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    this.#entries.set(key, entry);
    return entry;
  }
}

/**
 * Converts TURN servers to `RTCIceServer`s, after the channel region's STUN server as the KVS SDKs add it.
 *
 * @example
 * toRtcIceServers("us-west-2", servers)[0]; // { urls: ["stun:stun.kinesisvideo.us-west-2.amazonaws.com:443"] }
 */
export function toRtcIceServers(region: string, servers: readonly IceServer[]): RtcIceServer[] {
  return [
    { urls: [`stun:stun.kinesisvideo.${region}.amazonaws.com:443`] },
    ...servers.map((server) => ({
      urls: [...server.uris],
      username: server.username,
      credential: server.password,
    })),
  ];
}

// per client, hence per configuration and region, like core's endpoint cache
const caches = new WeakMap<KvsClient, IceServerCache>();

/**
 * The ICE server cache of one core client.
 *
 * @example
 * const { servers } = await iceServerCacheFor(client).get(channelArn, "MASTER", signal, Date.now());
 */
export function iceServerCacheFor(client: KvsClient): IceServerCache {
  let cache = caches.get(client);
  if (cache === undefined) {
    cache = new IceServerCache(client);
    caches.set(client, cache);
  }
  return cache;
}
