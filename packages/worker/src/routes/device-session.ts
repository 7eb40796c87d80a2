import { type KvsClient, presignUrl } from "@kvs-webrtc-storage/core";
import { IceServerCache, toRtcIceServers } from "../upstream/ice-server-cache.ts";
import { kvsClientFor } from "../upstream/kvs-clients.ts";
import { forwardingFailed } from "../upstream/upstream-failure.ts";
import { parseDeviceSession } from "./inputs.ts";
import type { Operation } from "./operation.ts";

// Per client, hence per configuration and region, like core's endpoint cache.
const iceCaches = new WeakMap<KvsClient, IceServerCache>();

function iceCacheFor(client: KvsClient): IceServerCache {
  let cache = iceCaches.get(client);
  if (cache === undefined) {
    cache = new IceServerCache(client);
    iceCaches.set(client, cache);
  }
  return cache;
}

/**
 * `POST /v1/device-session`: everything a credential-less device needs before its join — a presigned
 * `ConnectAsMaster`/`ConnectAsViewer` URL for the channel's WSS endpoint (valid ≤ 5 minutes) and the
 * channel's ICE servers. Answered with `Cache-Control: no-store`: it carries short-lived credentials.
 *
 * @example
 * ```ts
 * app.post("/v1/device-session", jsonBody(), operationHandler(deviceSessionOperation));
 * // → { signalingUrl: "wss://…?X-Amz-ChannelARN=…&X-Amz-Signature=…", iceServers: [...], expiresAt: "…" }
 * ```
 */
export const deviceSessionOperation: Operation = {
  name: "DeviceSession",
  limit: "device-session",
  parse: parseDeviceSession,
  async forward({ config, input }) {
    const { channel, role, clientId } = input;
    const client = kvsClientFor(config, channel.region);
    const signal = AbortSignal.timeout(config.upstreamTimeoutMs);
    try {
      const protocols = ["WSS", "HTTPS"] as const;
      const endpoints = await client.getSignalingChannelEndpoint(
        { channelArn: channel.arn, protocols, role },
        { signal },
      );
      if (endpoints.WSS === undefined)
        return { ok: false, failure: { kind: "upstream-failed", detail: "no WSS endpoint" } };
      const nowMs = Date.now();
      const url = new URL(endpoints.WSS);
      url.searchParams.set("X-Amz-ChannelARN", channel.arn);
      if (clientId !== undefined) url.searchParams.set("X-Amz-ClientId", clientId);
      const [signalingUrl, ice] = await Promise.all([
        presignUrl(url, {
          credentials: config.credentials,
          region: channel.region,
          expiresIn: config.presignExpiresSeconds,
          date: new Date(nowMs),
        }),
        iceCacheFor(client).get(channel.arn, role, signal, nowMs),
      ]);
      const expiresAtMs = Math.min(
        nowMs + config.presignExpiresSeconds * 1000,
        ice.expiresAtMs ?? Number.POSITIVE_INFINITY,
      );
      const body = {
        signalingUrl: signalingUrl.toString(),
        iceServers: toRtcIceServers(channel.region, ice.servers),
        expiresAt: new Date(expiresAtMs).toISOString(),
      };
      return {
        ok: true,
        response: Response.json(body, { headers: { "Cache-Control": "no-store" } }),
        upstreamStatus: 200,
      };
    } catch (error) {
      return forwardingFailed(error);
    }
  },
};
