/** @module The channels the load runs spread over, so neither the emulator's nor the proxy's limits bite. */

import type { ChannelSeed, DataSet } from "@kvs-webrtc-storage/testing";
import { DEMO_CREDENTIALS, DEMO_REGION, DEMO_TENANT_KEY } from "@kvs-webrtc-storage/testing/fixtures";
// the proxy's own tenant format, so the bench record cannot drift from what the proxy reads
import { hashSecret, type TenantRecord } from "@kvs-webrtc-storage/worker";

/**
 * The documented local-only demo tenant key of `npm start`; the benchmark stores its own tenant record
 * for it, granting every bench account.
 */
export const BENCH_TENANT_KEY: string = DEMO_TENANT_KEY;

/**
 * How many accounts and channels: KVS (and so the emulator) admits 2 joins/s per channel and 50 per
 * account, so 64 accounts × 32 channels carry up to 3,200 joins/s when requests go round-robin.
 */
export const FLEET_SHAPE = { accounts: 64, channelsPerAccount: 32 } as const;

/**
 * The bench channels, in round-robin order (consecutive channels belong to different accounts).
 *
 * @example
 * ```ts
 * benchChannels({ accounts: 2, channelsPerAccount: 1 }).map((c) => c.name); // ["bench-0-0", "bench-1-0"]
 * ```
 */
export function benchChannels(
  shape: { accounts: number; channelsPerAccount: number } = FLEET_SHAPE,
): ChannelSeed[] {
  const channels: ChannelSeed[] = [];
  for (let c = 0; c < shape.channelsPerAccount; c++) {
    for (let a = 0; a < shape.accounts; a++) {
      const account = benchAccount(a);
      const name = `bench-${a}-${c}`;
      const creationTime = 1_700_000_100_000 + a * 1000 + c;
      channels.push({
        name,
        arn: `arn:aws:kinesisvideo:${DEMO_REGION}:${account}:channel/${name}/${creationTime}`,
        region: DEMO_REGION,
        account,
        mediaStorage: true,
        creationTime,
      });
    }
  }
  return channels;
}

/**
 * The twelve-digit id of bench account `index`.
 *
 * @example
 * ```ts
 * benchAccount(7); // "900000000007"
 * ```
 */
export function benchAccount(index: number): string {
  return `9${String(index).padStart(11, "0")}`;
}

/**
 * The emulator's data set for the load runs: the bench channels and the demo credentials.
 *
 * @example
 * ```ts
 * await startEmulator({ port: 0, dataSet: benchDataSet() });
 * ```
 */
export function benchDataSet(): DataSet {
  return { channels: benchChannels(), credentials: Object.values(DEMO_CREDENTIALS) };
}

/**
 * The proxy's tenant record for {@link BENCH_TENANT_KEY}: every bench account, both roles, no own limits.
 *
 * @example
 * ```ts
 * const record = await benchTenantRecord(); // stored under tenantStorageKey(record.tenantId)
 * ```
 */
export async function benchTenantRecord(shape = FLEET_SHAPE): Promise<TenantRecord> {
  const [tenantId = "", secret = ""] = BENCH_TENANT_KEY.split(".");
  const channels = Array.from({ length: shape.accounts }, (_, a) => ({
    accountId: benchAccount(a),
    region: DEMO_REGION,
    channelName: "bench-*",
  }));
  return {
    tenantId,
    keyHashes: [await hashSecret(secret)],
    channels,
    roles: ["MASTER", "VIEWER"],
    disabled: false,
  };
}
