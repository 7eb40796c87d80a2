/** @module What every emulator child entry does: serve a data set until its parent leaves, its URL on stdout. */
import process from "node:process";
import { createInterface } from "node:readline";
import type { DataSet } from "@kvs-webrtc-storage/testing";
import { startEmulator } from "@kvs-webrtc-storage/testing/server";

/**
 * Starts the emulator with `dataSet`, closes it when stdin ends (the parent holds stdin open, so however the
 * parent exits, the child follows) or on SIGTERM/SIGINT, passes each stdin line to `onLine`, and prints
 * `{"url":…}` as its first stdout line once all of that is wired.
 *
 * @example
 * ```ts
 * await serveUntilParentLeaves(benchDataSet(), (line) => command(line));
 * ```
 */
export async function serveUntilParentLeaves(
  dataSet: DataSet,
  onLine: (line: string) => void = () => {},
): Promise<void> {
  const emulator = await startEmulator({ port: 0, host: "127.0.0.1", dataSet });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await emulator.close();
    process.exit(0);
  };
  createInterface({ input: process.stdin }).on("line", onLine);
  process.stdin.on("end", () => void close());
  process.on("SIGTERM", () => void close());
  process.on("SIGINT", () => void close());
  process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
}
