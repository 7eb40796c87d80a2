/**
 * @module `npm run test:runtimes` (second half): starts the local stack once (emulator + `wrangler dev` proxy), then
 * runs the storage-session checks under Node, Deno and Bun against it; workerd and Chromium run them in vitest.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalStack } from "../../scripts/local-stack.ts";

const root = fileURLToPath(new URL("../../../..", import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;
const main = "packages/worker/test/session/session-main.ts";
const SOURCE = "--conditions=@kvs-webrtc-storage/source";
const runtimes: Record<string, string[]> = {
  node: [process.execPath, SOURCE, main],
  deno: [
    bin("deno"),
    "run",
    SOURCE,
    "--quiet",
    "--no-prompt",
    "--allow-read",
    "--allow-env",
    "--allow-net",
    main,
  ],
  bun: [bin("bun"), SOURCE, main],
};

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env, NO_COLOR: "1" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.trim() });
    });
  });
}

const state = mkdtempSync(join(tmpdir(), "kvs-sessions-"));
const stack = await startLocalStack({
  host: "127.0.0.1",
  proxyPort: 0,
  emulatorPort: 0,
  pagePort: 0,
  persistTo: state,
  wranglerOutput: "ignore",
});
// an interrupted run still stops wrangler, workerd and the emulator
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stack.stop().finally(() => process.exit(130)));
}
let passed = 0;
let failed = 0;
try {
  for (const [runtime, [command = "", ...args]] of Object.entries(runtimes)) {
    const env = {
      KVS_EMULATOR_ORIGIN: stack.emulator.url,
      KVS_PROXY_ORIGIN: stack.proxyUrl,
      KVS_RUNTIME: runtime,
    };
    const { code, output } = await run(command, args, env);
    const [, ok = "0", bad = "0"] = /(\d+) passed, (\d+) failed\s*$/.exec(output) ?? [];
    passed += Number(ok);
    // a runtime that crashed before reporting still counts as a failure
    failed += code === 0 ? Number(bad) : Math.max(1, Number(bad));
    console.log(`── ${runtime} storage sessions: ${code === 0 ? "ok" : `FAILED (exit ${code})`}`);
    console.log(output.replace(/^/gm, "   "));
  }
} finally {
  await stack.stop();
  rmSync(state, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
if (failed > 0) process.exitCode = 1;
