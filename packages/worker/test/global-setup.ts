import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { TestProject } from "vitest/node";

// The pinned Node 24 strips the emulator's TypeScript natively; it runs in its own process because
// this project's module resolution targets workerd (it would load `ws`'s browser stub).
const NODE = join(import.meta.dirname, "../../../node_modules/.bin/node");
const SCRIPT = join(import.meta.dirname, "support/emulator-process.ts");

async function startEmulatorProcess() {
  // the workspace's emulator sources, not a build
  const source = "--conditions=@kvs-webrtc-storage/source";
  const child = spawn(NODE, [source, SCRIPT], { stdio: ["pipe", "pipe", "inherit"] });
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  const { url } = JSON.parse(line) as { url: string };
  const stop = async () => {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  };
  return { url, stop };
}

/**
 * Starts two KVS emulators (Node servers on ephemeral ports) for the worker tests, and stops them afterwards: one
 * for the proxy's tests, one of its own for the storage-session checks, whose faults act on every connection.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [shared, sessions] = await Promise.all([startEmulatorProcess(), startEmulatorProcess()]);
  project.provide("emulatorOrigin", shared.url);
  project.provide("sessionEmulatorOrigin", sessions.url);
  return async () => {
    await Promise.all([shared.stop(), sessions.stop()]);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    emulatorOrigin: string;
    sessionEmulatorOrigin: string;
  }
}
