/** @module Workers run in workerd through Miniflare's API (no `wrangler dev` proxy hop or request log). */
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { onCleanup } from "./cleanup.ts";

/** The compatibility date of wrangler.toml (workerd refuses dates past its own + 7 days). */
export const COMPATIBILITY_DATE = "2026-10-23";

/** One Worker: a bundled ES module plus v4-style Miniflare options (bindings, Durable Objects, KV). */
export interface WorkerSpec {
  name: string;
  code: string;
  options?: Record<string, unknown>;
}

/** Options of the workerd instance itself (every field optional; none changes the Workers). */
export interface WorkerdOptions {
  /** Opens V8's inspector on this loopback port (0: any free one; `miniflare.getInspectorURL()` tells it). */
  inspectorPort?: number;
  /** Sees every line workerd printed (lines that are not structured logs arrive as level "log"). */
  onLog?: (level: string, message: string) => void;
}

/** A running workerd with its Workers. */
export interface RunningWorkerd {
  /** Origin of the first Worker on 127.0.0.1. */
  url: string;
  miniflare: Miniflare;
  /** Lines the Workers logged, by level (the proxy logs one per request; they are counted, not printed). */
  logCounts: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts workerd with the given Workers on an ephemeral loopback port. Storage (Durable Object SQLite,
 * KV) persists on disk in Miniflare's own temporary directory, which Miniflare removes on dispose and
 * on SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * const workerd = await startWorkerd([{ name: "bench", code }]);
 * try { await fetch(workerd.url); } finally { await workerd.stop(); }
 * ```
 */
export async function startWorkerd(
  workers: readonly WorkerSpec[],
  instance: WorkerdOptions = {},
): Promise<RunningWorkerd> {
  const logCounts: Record<string, number> = {};
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      ...(instance.inspectorPort === undefined ? {} : { inspectorPort: instance.inspectorPort }),
      handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
        instance.onLog?.(level, message);
        logCounts[level] = (logCounts[level] ?? 0) + 1;
      },
      workers: workers.map((worker) => ({
        name: worker.name,
        compatibilityDate: COMPATIBILITY_DATE,
        modules: [{ type: "ESModule", path: `${worker.name}.mjs`, contents: worker.code }],
        ...worker.options,
      })),
    }),
  );
  const stop = onCleanup(() => miniflare.dispose());
  try {
    const url = await miniflare.ready;
    return { url: url.origin, miniflare, logCounts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
