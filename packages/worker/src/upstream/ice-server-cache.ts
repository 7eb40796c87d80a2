/** @module The channels' TURN servers, cached until their credentials near expiry. */
import { BoundedCache, type IceServer, type KvsClient } from "@kvs-webrtc-storage/core";

interface Entry {
  servers: Promise<IceServer[]>;
  /** When the earliest credential expires; unknown while pending, and for an empty list (never reused). */
  expiresAtMs: number | undefined;
  pending: boolean;
}

// A device gets credentials with at least this much life left, enough to gather candidates and connect.
const MIN_REMAINING_MS = 60_000;

// per client, hence per configuration and region, like core's endpoint cache
const caches = new WeakMap<KvsClient, BoundedCache<string, Entry>>();

/**
 * The channel's TURN servers and when the earliest of their credentials expires: `GetIceServerConfig` cached per
 * client, channel and role until the credentials' TTL (minus a margin); concurrent misses share one upstream call,
 * and failures are not cached.
 *
 * @example
 * const { servers, expiresAtMs } = await cachedIceServers(client, channelArn, "VIEWER", signal, Date.now());
 */
export async function cachedIceServers(
  client: KvsClient,
  channelArn: string,
  role: "MASTER" | "VIEWER",
  signal: AbortSignal,
  nowMs: number,
): Promise<{ servers: IceServer[]; expiresAtMs: number | undefined }> {
  let entries = caches.get(client);
  if (entries === undefined) {
    entries = new BoundedCache(1000);
    caches.set(client, entries);
  }
  const key = `${channelArn}\n${role}`;
  let entry = entries.get(key);
  if (entry === undefined || !(entry.pending || (entry.expiresAtMs ?? nowMs) - MIN_REMAINING_MS > nowMs)) {
    const fresh: Entry = { servers: Promise.resolve([]), expiresAtMs: undefined, pending: true };
    fresh.servers = client.getIceServerConfig({ channelArn, role }, { signal }).then(({ iceServers }) => {
      const ttlMs = Math.min(...iceServers.map((server) => server.ttl * 1000));
      fresh.expiresAtMs = Number.isFinite(ttlMs) ? nowMs + ttlMs : undefined;
      fresh.pending = false;
      return iceServers;
    });
    const cache = entries;
    fresh.servers.catch(() => {
      if (cache.get(key) === fresh) cache.delete(key);
    });
    entries.set(key, fresh);
    entry = fresh;
  }
  return { servers: await entry.servers, expiresAtMs: entry.expiresAtMs };
}
