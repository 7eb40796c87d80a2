/**
 * @module Section 3's workerd: the proxy bundle (its bindings, KV tenant registry and SQLite limiter) beside the
 * trivial Worker, run with V8's GC trace and its inspector open so each Worker's heap can be watched.
 */
import { DEMO_CREDENTIALS, DEMO_REGION } from "@kvs-webrtc-storage/testing/fixtures";
import { tenantStorageKey } from "@kvs-webrtc-storage/worker";
import { bundle } from "../build/esbuild-bundle.ts";
import { benchFile } from "../runtime/paths.ts";
import { type RunningWorkerd, startWorkerd, type WorkerSpec } from "../runtime/workerd.ts";
import { benchTenantRecord } from "./bench-fleet.ts";
import { connectInspector, type InspectorSession } from "./gc/inspector.ts";
import {
  type GcTracing,
  nameIsolate,
  prepareGcTracing,
  type WorkerdHeapWindow,
  watchWorkerdHeap,
  withEnv,
} from "./gc/workerd-gc.ts";

/** The two Workers in section 3's workerd. */
export type LoadWorkerName = "proxy" | "trivial";

/** The running workerd: each Worker's origin, a window on its heap, and how to stop it all. */
export interface LoadWorkerd {
  origins: Record<LoadWorkerName, string>;
  /** Starts watching a Worker's collections; throws (saying why) when they cannot be followed. */
  watchWorker(name: LoadWorkerName): Promise<() => Promise<WorkerdHeapWindow>>;
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

/** Opens the named Workers' inspector sessions into `sessions`, each with its isolate found in the GC trace. */
async function traceWorkers(
  workerd: RunningWorkerd,
  tracing: GcTracing,
  names: readonly LoadWorkerName[],
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
 * Starts one workerd holding the proxy bundle (upstream `emulatorOrigin`, the bench tenant stored in its KV
 * before any load) and the trivial Worker, each on its own loopback socket. Without the GC trace or the
 * isolates' names it still serves; only `watchWorker` then throws.
 *
 * @example
 * ```ts
 * const workerd = await startLoadWorkerd(await wranglerWorkerBundle(), emulator.url);
 * const stopWatching = await workerd.watchWorker("proxy");
 * ```
 */
export async function startLoadWorkerd(proxyCode: string, emulatorOrigin: string): Promise<LoadWorkerd> {
  let workerd: RunningWorkerd | undefined;
  let tracing: GcTracing | undefined;
  const sessions = new Map<string, InspectorSession>();
  const stop = async () => {
    try {
      for (const session of sessions.values()) await session.close();
      await workerd?.stop();
    } finally {
      if (tracing?.ok) await tracing.stop();
    }
  };
  try {
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
          bindings: proxyBindings(emulatorOrigin),
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
    const kv = await running.miniflare.getKVNamespace("TENANTS", "proxy");
    const record = await benchTenantRecord();
    await kv.put(tenantStorageKey(record.tenantId), JSON.stringify(record));
    const origin = async (name: LoadWorkerName) => (await running.miniflare.unsafeGetDirectURL(name)).origin;
    return {
      origins: { trivial: await origin("trivial"), proxy: await origin("proxy") },
      watchWorker: async (name) => {
        const session = sessions.get(name);
        if (!traced.ok || session === undefined) throw new Error(gcUnavailable ?? "no GC trace");
        return watchWorkerdHeap(session, traced.log, name);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
