/** @module The requests each load target is sent: a device's join to the proxy, or the same join signed for AWS. */
import { signRequest } from "@kvs-webrtc-storage/core";
import { DEMO_CREDENTIALS, DEMO_REGION } from "@kvs-webrtc-storage/testing/fixtures";
import { BENCH_TENANT_KEY, benchChannels, FLEET_SHAPE } from "./bench-fleet.ts";
import type { LoadRequest } from "./load-client.ts";

/**
 * How many channels a run at `rate` cycles through: each is joined about once a second, half of the
 * emulator's per-channel limit, and no more are touched than needed (each new one costs a discovery
 * call and a Durable Object's creation).
 *
 * @example
 * ```ts
 * channelsFor(300); // 300
 * ```
 */
export function channelsFor(rate: number): number {
  return Math.min(FLEET_SHAPE.accounts * FLEET_SHAPE.channelsPerAccount, Math.max(64, Math.ceil(rate)));
}

/**
 * Requests as a device sends them to the proxy; Cloudflare's edge adds `CF-Connecting-IP`.
 *
 * @example
 * ```ts
 * deviceRequests(300).length; // 300
 * ```
 */
export function deviceRequests(rate: number): LoadRequest[] {
  return benchChannels()
    .slice(0, channelsFor(rate))
    .map((channel) => ({
      path: "/joinStorageSession",
      headers: {
        authorization: `Bearer ${BENCH_TENANT_KEY}`,
        "content-type": "application/json",
        "cf-connecting-ip": "127.0.0.1",
      },
      body: JSON.stringify({ channelArn: channel.arn }),
    }));
}

/**
 * Requests as an AWS client sends them straight to the storage endpoint at `origin`, signed now.
 *
 * @example
 * ```ts
 * const requests = await signedRequests(emulator.url, 300);
 * ```
 */
export async function signedRequests(origin: string, rate: number): Promise<LoadRequest[]> {
  return Promise.all(
    benchChannels()
      .slice(0, channelsFor(rate))
      .map(async (channel) => {
        const body = JSON.stringify({ channelArn: channel.arn });
        const signed = await signRequest(
          {
            method: "POST",
            url: `${origin}/joinStorageSession`,
            headers: { "content-type": "application/json" },
            body,
          },
          { credentials: DEMO_CREDENTIALS.operator, region: DEMO_REGION },
        );
        return { path: "/joinStorageSession", headers: Object.fromEntries(signed.headers), body };
      }),
  );
}
