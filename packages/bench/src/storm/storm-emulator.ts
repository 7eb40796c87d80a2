/** @module The storm's emulator in its own Node process, so its limits keep time apart from the devices' loop. */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { onCleanup } from "../runtime/cleanup.ts";
import { benchFile, ROOT } from "../runtime/paths.ts";

/** A running storm emulator child. */
export interface StormEmulator {
  url: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts `storm-emulator-main.ts` with `channels` storm channels and waits for the URL it prints
 * (the same pattern as section 3's emulator process, with its own data set).
 *
 * @example
 * ```ts
 * const emulator = await startStormEmulator(1000);
 * try { … } finally { await emulator.stop(); }
 * ```
 */
export async function startStormEmulator(channels: number): Promise<StormEmulator> {
  // the workspace's emulator sources, not a build (its package.json exports)
  const source = "--conditions=@kvs-webrtc-storage/source";
  const child = spawn(
    process.execPath,
    [source, benchFile("storm/storm-emulator-main.ts"), String(channels)],
    { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = onCleanup(
    async () => {
      if (!running()) return;
      child.stdin?.end();
      child.kill("SIGTERM");
      await exited;
    },
    () => {
      if (running()) child.kill("SIGTERM");
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the storm emulator did not start")), START_TIMEOUT_MS);
      // only the first line is the answer; later ones are still read, so the child never blocks on a full pipe
      let answered = false;
      const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
      lines.on("line", (line) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        try {
          resolve((JSON.parse(line) as { url: string }).url);
        } catch {
          reject(new Error(`the storm emulator printed ${JSON.stringify(line)}, not its URL`));
        }
      });
      child.once("exit", (code) => reject(new Error(`the storm emulator exited early (code ${code})`)));
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
