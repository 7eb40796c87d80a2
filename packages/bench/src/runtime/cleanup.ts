/** @module Every server, workerd and child process the benchmark starts is stopped through here. */

type Stop = () => unknown;

interface Entry {
  stop: Stop;
  kill: (() => void) | undefined;
}

const entries: Entry[] = [];

// Miniflare exits the process synchronously on SIGINT/SIGTERM, so anything still running is killed
// synchronously on "exit" too (workerd itself is Miniflare's to stop).
process.once("exit", () => {
  for (const entry of [...entries].reverse()) {
    try {
      entry.kill?.();
    } catch {
      // Already gone.
    }
  }
});

/**
 * Registers how to stop something just started, and optionally how to kill it synchronously if the
 * process exits first; returns a function that stops it now (once).
 *
 * @example
 * ```ts
 * const stopChild = onCleanup(() => child.kill(), () => child.kill("SIGKILL"));
 * try { … } finally { await stopChild(); }
 * ```
 */
export function onCleanup(stop: Stop, kill?: () => void): () => Promise<void> {
  const entry: Entry = { stop, kill };
  entries.push(entry);
  return async () => {
    const at = entries.indexOf(entry);
    if (at === -1) return;
    entries.splice(at, 1);
    await entry.stop();
  };
}

/**
 * Stops everything still running, newest first; failures are reported, never thrown.
 *
 * @example
 * ```ts
 * process.once("SIGINT", () => void cleanupAll().then(() => process.exit(130)));
 * ```
 */
export async function cleanupAll(): Promise<void> {
  for (const entry of [...entries].reverse()) {
    const at = entries.indexOf(entry);
    if (at === -1) continue;
    entries.splice(at, 1);
    try {
      await entry.stop();
    } catch (error) {
      console.error("bench: cleanup failed:", error instanceof Error ? error.message : error);
    }
  }
}
