/**
 * @module workerd's garbage collections, seen from outside: V8's `--trace-gc-nvp` on workerd's stdout (made
 * line-buffered so each line arrives when printed), and each Worker's isolate named and its heap read through
 * the V8 inspector.
 */
import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup } from "../../runtime/cleanup.ts";
import { allocatedBytes, type GcEvent, type OldGrowth, oldGrowthBetweenCollections } from "./gc-figures.ts";
import type { InspectorSession } from "./inspector.ts";
import { createV8GcLog, type V8GcLog } from "./v8-gc-trace.ts";

/** How to start workerd so that its collections can be followed, or why they cannot be. */
export type GcTracing =
  | { ok: true; env: Record<string, string>; log: V8GcLog; stop(): Promise<void> }
  | { ok: false; reason: string };

/**
 * Prepares the environment Miniflare reads when it spawns workerd: V8's `--trace-gc-nvp` (one JSON line per
 * collection, printed when its pause ends) and a launcher that runs workerd under coreutils' `stdbuf -oL`,
 * since V8 prints with C stdio, fully buffered on a pipe (lines would arrive seconds late, or never).
 *
 * @example
 * ```ts
 * const tracing = await prepareGcTracing();
 * if (tracing.ok) await withEnv(tracing.env, () => startWorkerd(workers, { onLog: … }));
 * ```
 */
export async function prepareGcTracing(): Promise<GcTracing> {
  if (spawnSync("stdbuf", ["--version"], { stdio: "ignore" }).status !== 0)
    return { ok: false, reason: "needs coreutils' stdbuf to line-buffer workerd's output" };
  const workerd =
    process.env.MINIFLARE_WORKERD_PATH ??
    (createRequire(import.meta.resolve("miniflare"))("workerd") as { default: string }).default;
  const dir = await mkdtemp(join(tmpdir(), "bench-workerd-"));
  const stop = onCleanup(() => rm(dir, { recursive: true, force: true }));
  const launcher = join(dir, "workerd");
  await writeFile(launcher, `#!/bin/sh\nexec stdbuf -oL ${JSON.stringify(workerd)} "$@"\n`);
  await chmod(launcher, 0o755);
  return {
    ok: true,
    env: { MINIFLARE_WORKERD_PATH: launcher, MINIFLARE_WORKERD_V8_FLAGS: "--trace-gc-nvp" },
    log: createV8GcLog("workerd"),
    stop,
  };
}

/**
 * Runs `work` with `env` set in this process (Miniflare reads both variables while it starts workerd),
 * then restores the previous values.
 *
 * @example
 * ```ts
 * const workerd = await withEnv({ MINIFLARE_WORKERD_V8_FLAGS: "--trace-gc-nvp" }, () => startWorkerd(workers));
 * ```
 */
export async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/**
 * Finds which isolate in the trace is the Worker behind `session`: asks its inspector for a collection
 * (`HeapProfiler.collectGarbage`, which V8 runs at the isolate's next task, so requests to `origin`
 * trigger it) and names the isolate whose forced full collection ("low memory notification") follows.
 *
 * @example
 * ```ts
 * await nameIsolate(proxySession, proxyOrigin, tracing.log, "proxy");
 * ```
 */
export async function nameIsolate(
  session: InspectorSession,
  origin: string,
  log: V8GcLog,
  label: string,
): Promise<void> {
  const seen = log.lines().length;
  let answered = false;
  const collected = session.send("HeapProfiler.collectGarbage", {}, 15_000).finally(() => {
    answered = true;
  });
  // handled here too: if a knock below fails, a later rejection must not crash the bench as unhandled
  collected.catch(() => {});
  // The command may reach the isolate after a request did: keep knocking until it has run.
  while (!answered) {
    await (await fetch(`${origin}/`)).arrayBuffer();
    await Promise.race([collected, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  await collected;
  for (let attempt = 0; attempt < 40; attempt++) {
    const forced = log
      .lines()
      .slice(seen)
      .find((line) => line.kind === "full" && line.reason.includes("low memory"));
    if (forced !== undefined) return log.name(forced.isolate, label);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no forced collection of the ${label} isolate in workerd's GC trace`);
}

/** The bytes a Worker's isolate allocated in a window and every collection workerd ran meanwhile. */
export interface WorkerdHeapWindow {
  /** Every collection in the workerd (all its isolates share one thread, so any full one stalls them all). */
  events: GcEvent[];
  allocatedBytes: number;
  /** Old generation (with the C++ heap) growth between the isolate's first and last collection in the window. */
  oldGrowth: OldGrowth | undefined;
}

/**
 * Opens a window on one Worker's isolate: its used heap is read through the inspector at both ends.
 *
 * @example
 * ```ts
 * const stop = await watchWorkerdHeap(session, tracing.log, "proxy");
 * … load …
 * const { events, allocatedBytes } = await stop();
 * ```
 */
export async function watchWorkerdHeap(
  session: InspectorSession,
  log: V8GcLog,
  label: string,
): Promise<() => Promise<WorkerdHeapWindow>> {
  const used = async () => (await session.send<{ usedSize: number }>("Runtime.getHeapUsage")).usedSize;
  const usedBefore = await used();
  const fromMs = performance.now();
  return async () => {
    const usedAfter = await used();
    const toMs = performance.now();
    // a collection's line arrives just after its pause ends
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = log.events(fromMs, toMs);
    const own = events.filter((event) => event.heap === `workerd ${label}`);
    return {
      events,
      allocatedBytes: allocatedBytes(usedBefore, usedAfter, own),
      oldGrowth: oldGrowthBetweenCollections(own),
    };
  };
}
