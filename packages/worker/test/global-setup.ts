import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { TestProject } from "vitest/node";

// The pinned Node 24 strips the emulator's TypeScript natively; it runs in its own process because
// this project's module resolution targets workerd (it would load `ws`'s browser stub).
const NODE = join(import.meta.dirname, "../../../node_modules/.bin/node");
const SCRIPT = join(import.meta.dirname, "support/emulator-process.ts");

/** Starts the KVS emulator's Node server on an ephemeral port for the worker tests, and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // the workspace's emulator sources, not a build
  const source = "--conditions=@kvs-webrtc-storage/source";
  const child = spawn(NODE, [source, SCRIPT], { stdio: ["pipe", "pipe", "inherit"] });
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  const { url } = JSON.parse(line) as { url: string };
  project.provide("emulatorOrigin", url);
  return async () => {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    emulatorOrigin: string;
  }
}
