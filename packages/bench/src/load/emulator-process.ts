/** @module The emulator in its own Node process, so it never shares an event loop with the load generator. */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { onCleanup } from "../runtime/cleanup.ts";
import { benchFile, ROOT } from "../runtime/paths.ts";
import type { GcEvent, OldGrowth } from "./gc/gc-figures.ts";

/** What the emulator's heap did in a window (collections on the bench's clock). */
export interface EmulatorGcReport {
  events: GcEvent[];
  usedBefore: number;
  usedAfter: number;
  freedBytes: number;
  oldGrowth: OldGrowth;
}

/** A running emulator child. */
export interface EmulatorProcess {
  url: string;
  /** Starts watching the child's collections (Node's `gc` entries and `v8.GCProfiler`). */
  gcStart(): void;
  /** Ends the window opened by {@link EmulatorProcess.gcStart} and returns what it saw. */
  gcStop(): Promise<EmulatorGcReport>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/** Which child entry to run (a path under the bench's `src/`) and its arguments. */
export interface EmulatorEntry {
  readonly file: string;
  readonly args?: readonly string[];
}

/**
 * Starts an emulator entry (section 3's `emulator-main.ts` unless told another, such as the storm's) with this
 * process's Node and waits for the URL it prints. Only section 3's entry answers `gcStart`/`gcStop`.
 *
 * @example
 * ```ts
 * const emulator = await startEmulatorProcess();
 * try { … } finally { await emulator.stop(); }
 * ```
 */
export async function startEmulatorProcess(
  entry: EmulatorEntry = { file: "load/emulator-main.ts" },
): Promise<EmulatorProcess> {
  // the workspace's emulator sources, not a build (its package.json exports)
  const source = "--conditions=@kvs-webrtc-storage/source";
  const child = spawn(process.execPath, [source, benchFile(entry.file), ...(entry.args ?? [])], {
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
  // One JSON line per answer: first `{ url }`, then `{ gc }` for each `gc-stop`.
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const reports: ((report: EmulatorGcReport) => void)[] = [];
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the emulator did not start")), START_TIMEOUT_MS);
      lines.on("line", (line) => {
        let answer: { url?: string; gc?: EmulatorGcReport };
        try {
          answer = JSON.parse(line) as typeof answer;
        } catch {
          return; // not an answer: something the emulator printed
        }
        if (answer.url !== undefined) {
          clearTimeout(timer);
          resolve(answer.url);
        } else if (answer.gc !== undefined) {
          // the child's clock is epoch ms; the bench's is performance.now()
          const bench = (epochMs: number) => epochMs - performance.timeOrigin;
          const { events, oldGrowth } = answer.gc;
          reports.shift()?.({
            ...answer.gc,
            events: events.map((event) => ({ ...event, startMs: bench(event.startMs) })),
            oldGrowth: { ...oldGrowth, fromMs: bench(oldGrowth.fromMs), toMs: bench(oldGrowth.toMs) },
          });
        }
      });
      child.once("exit", (code) => reject(new Error(`the emulator exited early (code ${code})`)));
    });
    const gcStart = () => void child.stdin?.write("gc-start\n");
    const gcStop = () =>
      new Promise<EmulatorGcReport>((resolve, reject) => {
        if (!running()) return reject(new Error("the emulator is not running"));
        const timer = setTimeout(() => reject(new Error("the emulator did not report its GCs")), 10_000);
        reports.push((report) => {
          clearTimeout(timer);
          resolve(report);
        });
        child.stdin?.write("gc-stop\n");
      });
    return { url, gcStart, gcStop, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
