/**
 * @module `POST /v1/device-session`: everything a credential-less device needs before its join — a presigned
 * `ConnectAsMaster`/`ConnectAsViewer` URL for the channel's WSS endpoint and the channel's ICE servers.
 */
import { isClientId, presignUrl, rtcIceServers } from "@kvs-webrtc-storage/core";
import * as z from "zod/mini";
import type { Config } from "../config/config.ts";
import { fail, ok, type Result, upstreamFailure } from "../errors/errors.ts";
import { isRole, type Role } from "../tenant-auth/tenant-record.ts";
import { cachedIceServers } from "../upstream/ice-server-cache.ts";
import { kvsClientFor, operatorCredentials } from "../upstream/kvs-clients.ts";
import { channelInput, type Forwarded, type Operation, type OperationInput } from "./operation.ts";

const deviceSessionBody = z.object({
  channelArn: z.string(),
  role: z.custom<Role>(isRole),
  clientId: z.optional(z.string().check(z.refine(isClientId))),
});

/**
 * Validates `{channelArn, role, clientId?}` as a device names itself: a viewer by its client id, a master without one.
 *
 * @example
 * parseDeviceInput({ channelArn, role: "VIEWER", clientId: "phone-1" });
 */
export function parseDeviceInput(body: unknown): Result<OperationInput, string> {
  const checked = deviceSessionBody.safeParse(body);
  if (!checked.success)
    return fail("body: must have channelArn, role MASTER or VIEWER, and an optional clientId");
  const { channelArn, role, clientId } = checked.data;
  if ((role === "VIEWER") !== (clientId !== undefined)) {
    return fail("clientId: is required for VIEWER and not allowed for MASTER");
  }
  return channelInput(() => ({ channelArn, role, clientId }));
}

async function forward(config: Config, input: OperationInput): Promise<Forwarded> {
  const { channel, role, clientId } = input;
  const client = kvsClientFor(config, channel.region);
  const signal = AbortSignal.timeout(config.UPSTREAM_TIMEOUT_MS);
  try {
    const protocols = ["WSS", "HTTPS"] as const;
    const endpoints = await client.getSignalingChannelEndpoint(
      { channelArn: channel.arn, protocols, role },
      { signal },
    );
    if (endpoints.WSS === undefined) return fail({ kind: "upstream-failed", detail: "no WSS endpoint" });
    const nowMs = Date.now();
    const url = new URL(endpoints.WSS);
    url.searchParams.set("X-Amz-ChannelARN", channel.arn);
    if (clientId !== undefined) url.searchParams.set("X-Amz-ClientId", clientId);
    const expiresIn = config.PRESIGN_EXPIRES_SECONDS;
    const [signalingUrl, ice] = await Promise.all([
      presignUrl(url, {
        credentials: operatorCredentials(config),
        region: channel.region,
        expiresIn,
        date: new Date(nowMs),
      }),
      cachedIceServers(client, channel.arn, role, signal, nowMs),
    ]);
    const expiresAtMs = Math.min(nowMs + expiresIn * 1000, ice.expiresAtMs ?? Infinity);
    const body = {
      signalingUrl: signalingUrl.toString(),
      iceServers: rtcIceServers(channel.region, ice.servers),
      expiresAt: new Date(expiresAtMs).toISOString(),
    };
    // it carries short-lived credentials
    const response = Response.json(body, { headers: { "Cache-Control": "no-store" } });
    return { ...ok(response), upstreamStatus: 200 };
  } catch (error) {
    return upstreamFailure(error);
  }
}

/**
 * The device-session operation: the presigned URL is valid for `PRESIGN_EXPIRES_SECONDS` (≤ 5 minutes), and
 * `expiresAt` is the earlier of its expiry and the TURN credentials'.
 *
 * @example
 * app.post("/v1/device-session", jsonBody(), configuration(), tenantAuth(), operation(deviceSessionOperation));
 * // → { signalingUrl: "wss://…?X-Amz-ChannelARN=…&X-Amz-Signature=…", iceServers: [...], expiresAt: "…" }
 */
export const deviceSessionOperation: Operation = {
  name: "DeviceSession",
  limit: "device-session",
  parse: parseDeviceInput,
  forward,
};
