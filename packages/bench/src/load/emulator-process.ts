/** @module The emulator in its own Node process, so it never shares an event loop with the load generator. */
import { spawn } from "node:child_process";
import { onCleanup } from "../runtime/cleanup.ts";
import { benchFile, ROOT } from "../runtime/paths.ts";

/** A running emulator child. */
export interface EmulatorProcess {
  url: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts `emulator-main.ts` with this process's Node and waits for the URL it prints.
 *
 * @example
 * ```ts
 * const emulator = await startEmulatorProcess();
 * try { … } finally { await emulator.stop(); }
 * ```
 */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  // the workspace's emulator sources, not a build (its package.json exports)
  const source = "--conditions=@kvs-webrtc-storage/source";
  const child = spawn(process.execPath, [source, benchFile("load/emulator-main.ts")], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
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
      const timer = setTimeout(() => reject(new Error("the emulator did not start")), START_TIMEOUT_MS);
      let buffered = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        buffered += chunk;
        const line = buffered.split("\n")[0];
        if (line === undefined || !buffered.includes("\n")) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once("exit", (code) => reject(new Error(`the emulator exited early (code ${code})`)));
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
