/** @module Every server, workerd and child process the benchmark starts is stopped through here. */

type Stop = () => unknown;

const stops: Stop[] = [];

/**
 * Registers how to stop something just started; returns a function that stops it now (once).
 *
 * @example
 * ```ts
 * const stopEmulator = onCleanup(() => emulator.close());
 * try { … } finally { await stopEmulator(); }
 * ```
 */
export function onCleanup(stop: Stop): () => Promise<void> {
  let done = false;
  const once: Stop = async () => {
    if (done) return;
    done = true;
    stops.splice(stops.indexOf(once), 1);
    await stop();
  };
  stops.push(once);
  return async () => {
    await once();
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
  for (const stop of [...stops].reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error("bench: cleanup failed:", error instanceof Error ? error.message : error);
    }
  }
}
