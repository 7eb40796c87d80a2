/** @module Section 5's fleet: one AWS account, two devices per channel (a master and a viewer), and their requests. */
import type { ChannelSeed, DataSet } from "@kvs-webrtc-storage/testing";
import { DEMO_CREDENTIALS, DEMO_REGION } from "@kvs-webrtc-storage/testing/fixtures";
import { hashSecret, type TenantRecord } from "@kvs-webrtc-storage/worker";
import { BENCH_TENANT_KEY } from "../load/bench-fleet.ts";

/** The one account every storm channel lives in, so its 50 joins/s per operation are what binds. */
export const STORM_ACCOUNT = "955500000000";

/** A channel in an account of its own, joined once before the storm to warm the proxy without drawing its quota. */
export const WARMUP_CHANNEL: ChannelSeed = {
  name: "storm-warmup",
  arn: `arn:aws:kinesisvideo:${DEMO_REGION}:955500000001:channel/storm-warmup/1700000199999`,
  region: DEMO_REGION,
  account: "955500000001",
  mediaStorage: true,
  creationTime: 1_700_000_199_999,
};

/** The role a device joins in; AWS counts the two join operations apart. */
export type StormRole = "master" | "viewer";

/** One simulated device: its channel, its role, and the one request it repeats until a 200. */
export interface StormDevice {
  index: number;
  role: StormRole;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The storm channels, all with media storage, all in {@link STORM_ACCOUNT}.
 *
 * @example
 * ```ts
 * stormChannels(2).map((c) => c.name); // ["storm-0", "storm-1"]
 * ```
 */
export function stormChannels(count: number): ChannelSeed[] {
  return Array.from({ length: count }, (_, c) => {
    const name = `storm-${c}`;
    const creationTime = 1_700_000_200_000 + c;
    return {
      name,
      arn: `arn:aws:kinesisvideo:${DEMO_REGION}:${STORM_ACCOUNT}:channel/${name}/${creationTime}`,
      region: DEMO_REGION,
      account: STORM_ACCOUNT,
      mediaStorage: true,
      creationTime,
    };
  });
}

/**
 * The emulator's data set for a storm over `channels` channels.
 *
 * @example
 * ```ts
 * await startEmulator({ port: 0, dataSet: stormDataSet(1000) });
 * ```
 */
export function stormDataSet(channels: number): DataSet {
  return {
    channels: [...stormChannels(channels), WARMUP_CHANNEL],
    credentials: Object.values(DEMO_CREDENTIALS),
  };
}

/**
 * The proxy's tenant record for the bench tenant key, granting the storm and warm-up channels, both roles.
 *
 * @example
 * ```ts
 * const record = await stormTenantRecord(); // stored under tenantStorageKey(record.tenantId)
 * ```
 */
export async function stormTenantRecord(): Promise<TenantRecord> {
  const [tenantId = "", secret = ""] = BENCH_TENANT_KEY.split(".");
  return {
    tenantId,
    keyHashes: [await hashSecret(secret)],
    channels: [STORM_ACCOUNT, WARMUP_CHANNEL.account].map((accountId) => ({
      accountId,
      region: DEMO_REGION,
      channelName: "storm-*",
    })),
    roles: ["MASTER", "VIEWER"],
    disabled: false,
  };
}

/**
 * `count` devices on `ceil(count / 2)` channels: even indexes are a channel's master, odd its viewer, so
 * masters and viewers alternate in the start order.
 *
 * @example
 * ```ts
 * stormDevices(4).map((d) => `${d.role} ${d.path}`);
 * // ["master /joinStorageSession", "viewer /joinStorageSessionAsViewer", …]
 * ```
 */
export function stormDevices(count: number): StormDevice[] {
  const channels = stormChannels(Math.ceil(count / 2));
  // as a device sends them through Cloudflare's edge, which adds CF-Connecting-IP
  const headers = {
    authorization: `Bearer ${BENCH_TENANT_KEY}`,
    "content-type": "application/json",
    "cf-connecting-ip": "127.0.0.1",
  };
  return Array.from({ length: count }, (_, index): StormDevice => {
    const channel = channels[index >> 1];
    const channelArn = channel?.arn ?? "";
    return index % 2 === 0
      ? { index, role: "master", path: "/joinStorageSession", headers, body: JSON.stringify({ channelArn }) }
      : {
          index,
          role: "viewer",
          path: "/joinStorageSessionAsViewer",
          headers,
          body: JSON.stringify({ channelArn, clientId: `storm-viewer-${index >> 1}` }),
        };
  });
}
