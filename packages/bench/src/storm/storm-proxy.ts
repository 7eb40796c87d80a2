/** @module The proxy bundle in a fresh workerd for one storm variant, at AWS's own join limits. */
import { DEMO_CREDENTIALS, DEMO_REGION } from "@kvs-webrtc-storage/testing/fixtures";
import { tenantStorageKey } from "@kvs-webrtc-storage/worker";
import { type RunningWorkerd, startWorkerd } from "../runtime/workerd.ts";
import { stormDevices, stormTenantRecord, WARMUP_CHANNEL } from "./storm-fleet.ts";
import { workerdPids } from "./workerd-cpu.ts";

/**
 * The behaviours of the same bundle compared: refuse at once, hold a join until its slot for the default few
 * seconds, or for as long as a fleet's clients are configured to wait (30 s, every join of the storm held).
 */
export const STORM_VARIANTS = ["reject", "scheduled", "held"] as const;
export type StormVariant = (typeof STORM_VARIANTS)[number];

/** Each variant's own binding: `MAX_QUEUE_WAIT_MS = 0` refuses every join over the limit with a Retry-After. */
export const VARIANT_BINDINGS: Readonly<Record<StormVariant, Readonly<Record<string, string>>>> = {
  reject: { MAX_QUEUE_WAIT_MS: "0" },
  scheduled: {},
  held: { MAX_QUEUE_WAIT_MS: "30000", MAX_HELD_REQUESTS: "2000" },
};

/** A running proxy for one variant. */
export interface StormProxy {
  origin: string;
  /** The workerd processes serving it, for their CPU time; empty if none could be found. */
  pids: number[];
  /** Lines the proxy logged, by level. */
  logCounts: Record<string, number>;
  stop(): Promise<void>;
}

/** The variables: the emulator upstream and AWS's limits (2/s per channel, 50/s per account: the defaults). */
function stormBindings(emulatorOrigin: string, variant: StormVariant): Record<string, string> {
  return {
    ALLOWED_REGIONS: DEMO_REGION,
    EMULATOR_ORIGIN: emulatorOrigin,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.operator.secretAccessKey,
    JOIN_LIMIT_PER_SECOND: "2",
    ACCOUNT_JOIN_LIMIT_PER_SECOND: "50",
    ...VARIANT_BINDINGS[variant],
  };
}

/**
 * Starts the proxy bundle in its own workerd (KV tenant registry with the storm tenant, SQLite limiter) on a
 * direct loopback socket, and finds the workerd process Miniflare spawned for it.
 *
 * @example
 * ```ts
 * const proxy = await startStormProxy(code, emulator.url, "scheduled");
 * try { … } finally { await proxy.stop(); }
 * ```
 */
export async function startStormProxy(
  proxyCode: string,
  emulatorOrigin: string,
  variant: StormVariant,
): Promise<StormProxy> {
  const before = new Set(await workerdPids());
  const workerd: RunningWorkerd = await startWorkerd([
    {
      name: "proxy",
      code: proxyCode,
      options: {
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        bindings: stormBindings(emulatorOrigin, variant),
        kvNamespaces: ["TENANTS"],
        durableObjects: { LIMITER: { className: "RateLimiter", useSQLite: true } },
      },
    },
  ]);
  try {
    const kv = await workerd.miniflare.getKVNamespace("TENANTS", "proxy");
    const record = await stormTenantRecord();
    await kv.put(tenantStorageKey(record.tenantId), JSON.stringify(record));
    const origin = (await workerd.miniflare.unsafeGetDirectURL("proxy")).origin;
    // only the workerd started here: an earlier one may still be on its way out
    const pids = (await workerdPids()).filter((pid) => !before.has(pid));
    return { origin, pids, logCounts: workerd.logCounts, stop: workerd.stop };
  } catch (error) {
    await workerd.stop();
    throw error;
  }
}

/**
 * Runs one join's whole path (limiter, discovery, signing) before a run, as on a proxy already serving: the
 * isolate compiled and its configuration valid. The warm-up channel's own account keeps the run's quota whole.
 *
 * @example
 * ```ts
 * await warmUpProxy(proxy.origin, "scheduled");
 * ```
 */
export async function warmUpProxy(origin: string, label: string): Promise<void> {
  const health = await fetch(`${origin}/healthz`);
  await health.body?.cancel();
  if (!health.ok) throw new Error(`the ${label} proxy's /healthz answered ${health.status}`);
  const [device] = stormDevices(1);
  const join = await fetch(`${origin}/joinStorageSession`, {
    method: "POST",
    headers: device?.headers ?? {},
    body: JSON.stringify({ channelArn: WARMUP_CHANNEL.arn }),
  });
  await join.body?.cancel();
  if (join.status !== 200) throw new Error(`the ${label} proxy's warm-up join answered ${join.status}`);
}
