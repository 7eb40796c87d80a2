/** @module Section 3's three targets: a trivial Hono route, the emulator direct, and the full proxy. */
import { signRequest } from "@kvs-webrtc-storage/core";
import { DEMO_CREDENTIALS, DEMO_REGION } from "@kvs-webrtc-storage/testing/fixtures";
import { tenantStorageKey } from "@kvs-webrtc-storage/worker";
import { bundle } from "../build/esbuild-bundle.ts";
import { benchFile } from "../runtime/paths.ts";
import { type RunningWorkerd, startWorkerd, type WorkerSpec } from "../runtime/workerd.ts";
import { BENCH_TENANT_KEY, benchChannels, benchTenantRecord, FLEET_SHAPE } from "./bench-fleet.ts";
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-process.ts";
import { allocatedBytes, type GcEvent, type OldGrowth } from "./gc-trace.ts";
import { connectInspector, type InspectorSession } from "./inspector.ts";
import type { LoadRequest } from "./load-client.ts";
import { type GcTracing, nameIsolate, prepareGcTracing, watchWorkerdHeap, withEnv } from "./workerd-gc.ts";

/** (a) trivial route, (b) emulator called directly, (c) the proxy's full path, in the table's order. */
export const TARGET_NAMES = ["trivial", "emulator", "proxy"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** What a target's heaps did in one measurement window. */
export interface GcObservation {
  /** Every collection in the processes the target's requests pass through, on the bench's clock. */
  events: GcEvent[];
  /** Bytes the target's own heap allocated: its Worker's isolate, or the emulator process. */
  allocatedBytes: number;
  /** How much its old generation grew, and over which span (absent if it cannot be told). */
  oldGrowth: OldGrowth | undefined;
}

/** One target: where it listens and how to build a fresh list of requests for a rate. */
export interface LoadTarget {
  name: TargetName;
  origin: string;
  requests(rate: number): Promise<LoadRequest[]>;
  /** Starts watching the target's collections; the returned function ends the window. Throws if it cannot. */
  watchGc(): Promise<() => Promise<GcObservation>>;
}

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

/** The running targets, stopped together. */
export interface LoadTargets {
  targets: Record<TargetName, LoadTarget>;
  stop(): Promise<void>;
}

/** The proxy's variables: the emulator upstream, and every limit raised to its maximum. */
function proxyBindings(emulatorOrigin: string): Record<string, string> {
  return {
    ALLOWED_REGIONS: DEMO_REGION,
    EMULATOR_ORIGIN: emulatorOrigin,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.operator.secretAccessKey,
    JOIN_LIMIT_PER_SECOND: "1000",
    ACCOUNT_JOIN_LIMIT_PER_SECOND: "1000",
    DEVICE_SESSION_LIMIT_PER_SECOND: "1000",
  };
}

/** Requests as a device sends them to the proxy; Cloudflare's edge adds `CF-Connecting-IP`. */
function deviceRequests(rate: number): LoadRequest[] {
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

/** Requests as an AWS client sends them straight to the storage endpoint, signed now. */
async function signedRequests(origin: string, rate: number): Promise<LoadRequest[]> {
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

/** Watches the emulator child's collections (Node's own `gc` entries and `v8.GCProfiler`). */
async function watchEmulator(emulator: EmulatorProcess): Promise<() => Promise<GcObservation>> {
  emulator.gcStart();
  return async () => {
    const report = await emulator.gcStop();
    return {
      events: report.events,
      allocatedBytes: allocatedBytes(report.usedBefore, report.usedAfter, [report]),
      oldGrowth: report.oldGrowth,
    };
  };
}

/** Opens the named Workers' inspector sessions into `sessions`, each with its isolate found in the GC trace. */
async function traceWorkers(
  workerd: RunningWorkerd,
  tracing: GcTracing,
  names: readonly string[],
  sessions: Map<string, InspectorSession>,
): Promise<void> {
  if (!tracing.ok) throw new Error(tracing.reason);
  const inspector = await workerd.miniflare.getInspectorURL();
  for (const name of names) {
    const session = await connectInspector(new URL(`/core:user:${name}`, inspector).href);
    sessions.set(name, session);
    const origin = (await workerd.miniflare.unsafeGetDirectURL(name)).origin;
    await nameIsolate(session, origin, tracing.log, name);
  }
}

/**
 * Starts the emulator (own Node process) and one workerd holding the proxy bundle (with its KV tenant
 * registry and SQLite limiter) and the trivial Worker, each on its own loopback socket. workerd runs with
 * V8's GC trace and its inspector open, so each target can report its collections and allocation.
 *
 * @example
 * ```ts
 * const { targets, stop } = await startLoadTargets(await wranglerWorkerBundle());
 * ```
 */
export async function startLoadTargets(proxyCode: string): Promise<LoadTargets> {
  let emulator: EmulatorProcess | undefined;
  let workerd: RunningWorkerd | undefined;
  let tracing: GcTracing | undefined;
  const sessions = new Map<string, InspectorSession>();
  const stop = async () => {
    for (const session of sessions.values()) await session.close();
    await workerd?.stop();
    if (tracing?.ok) await tracing.stop();
    await emulator?.stop();
  };
  try {
    emulator = await startEmulatorProcess();
    tracing = await prepareGcTracing();
    const traced = tracing;
    const trivialCode = await bundle(benchFile("load/trivial-worker.ts"), {
      target: "workerd",
      minify: true,
    });
    const socket = { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] };
    const workers: WorkerSpec[] = [
      {
        name: "proxy",
        code: proxyCode,
        options: {
          ...socket,
          bindings: proxyBindings(emulator.url),
          kvNamespaces: ["TENANTS"],
          durableObjects: { LIMITER: { className: "RateLimiter", useSQLite: true } },
        },
      },
      { name: "trivial", code: trivialCode, options: socket },
    ];
    workerd = traced.ok
      ? await withEnv(traced.env, () =>
          startWorkerd(workers, {
            inspectorPort: 0,
            onLog: (_level, message) => void traced.log.line(message, performance.now()),
          }),
        )
      : await startWorkerd(workers);
    const running = workerd;
    // Without the trace or the isolates' names, latencies are still measured; the GC figures are not.
    let gcUnavailable: string | undefined;
    try {
      await traceWorkers(running, traced, ["proxy", "trivial"], sessions);
    } catch (error) {
      gcUnavailable = error instanceof Error ? error.message : String(error);
      for (const session of sessions.values()) await session.close();
      sessions.clear();
    }
    const watchWorker = async (name: string) => {
      const session = sessions.get(name);
      if (!traced.ok || session === undefined) throw new Error(gcUnavailable ?? "no GC trace");
      return watchWorkerdHeap(session, traced.log, name);
    };
    const kv = await workerd.miniflare.getKVNamespace("TENANTS", "proxy");
    const record = await benchTenantRecord();
    await kv.put(tenantStorageKey(record.tenantId), JSON.stringify(record));
    const origin = async (name: string) => (await workerd?.miniflare.unsafeGetDirectURL(name))?.origin ?? "";
    const emulatorOrigin = emulator.url;
    const devices = async (rate: number) => deviceRequests(rate);
    const child = emulator;
    const targets: Record<TargetName, LoadTarget> = {
      trivial: {
        name: "trivial",
        origin: await origin("trivial"),
        requests: devices,
        watchGc: () => watchWorker("trivial"),
      },
      emulator: {
        name: "emulator",
        origin: emulatorOrigin,
        requests: (rate) => signedRequests(emulatorOrigin, rate),
        watchGc: () => watchEmulator(child),
      },
      proxy: {
        name: "proxy",
        origin: await origin("proxy"),
        requests: devices,
        // a proxied join runs in workerd and then in the emulator: both processes' pauses reach it
        watchGc: async () => {
          const stopProxy = await watchWorker("proxy");
          const stopEmulator = await watchEmulator(child);
          return async () => {
            const [proxy, upstream] = [await stopProxy(), await stopEmulator()];
            return { ...proxy, events: [...proxy.events, ...upstream.events] };
          };
        },
      },
    };
    return { targets, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
