/** @module Section 3's three targets: a trivial Hono route, the emulator direct, and the full proxy. */
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-process.ts";
import { allocatedBytes, type GcEvent, type OldGrowth } from "./gc/gc-figures.ts";
import type { LoadRequest } from "./load-client.ts";
import { deviceRequests, signedRequests } from "./load-requests.ts";
import { type LoadWorkerd, startLoadWorkerd } from "./load-workerd.ts";

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

/** The running targets, stopped together. */
export interface LoadTargets {
  targets: Record<TargetName, LoadTarget>;
  stop(): Promise<void>;
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

/** The proxy's window: a proxied join runs in workerd and then in the emulator, so both processes' pauses reach it. */
async function watchProxy(
  workerd: LoadWorkerd,
  emulator: EmulatorProcess,
): Promise<() => Promise<GcObservation>> {
  const stopProxy = await workerd.watchWorker("proxy");
  const stopEmulator = await watchEmulator(emulator);
  return async () => {
    // the emulator's window is closed whatever the proxy's side did: left open, it would swallow the next one
    const proxy = await stopProxy().catch((error: unknown) => ({ error }));
    const upstream = await stopEmulator();
    if ("error" in proxy) throw proxy.error;
    return { ...proxy, events: [...proxy.events, ...upstream.events] };
  };
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
  let workerd: LoadWorkerd | undefined;
  const stop = async () => {
    try {
      await workerd?.stop();
    } finally {
      await emulator?.stop();
    }
  };
  try {
    emulator = await startEmulatorProcess();
    workerd = await startLoadWorkerd(proxyCode, emulator.url);
    const [child, running] = [emulator, workerd];
    const emulatorOrigin = emulator.url;
    const devices = async (rate: number) => deviceRequests(rate);
    const targets: Record<TargetName, LoadTarget> = {
      trivial: {
        name: "trivial",
        origin: running.origins.trivial,
        requests: devices,
        watchGc: () => running.watchWorker("trivial"),
      },
      emulator: {
        name: "emulator",
        origin: emulatorOrigin,
        requests: (rate) => signedRequests(emulatorOrigin, rate),
        watchGc: () => watchEmulator(child),
      },
      proxy: {
        name: "proxy",
        origin: running.origins.proxy,
        requests: devices,
        watchGc: () => watchProxy(running, child),
      },
    };
    return { targets, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
