/** @module `npm run test:runtimes`: the core smoke suite under Node, Deno and Bun (workerd runs it in vitest). */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;
const smoke = "packages/core/test/smoke-main.ts";
// the workspace packages' TypeScript sources, not a build (their package.json exports)
const SOURCE = "--conditions=@kvs-webrtc-storage/source";
const runtimes: Record<string, string[]> = {
  node: [process.execPath, SOURCE, smoke],
  deno: [bin("deno"), "run", SOURCE, "--quiet", "--no-prompt", "--allow-read", "--allow-env", smoke],
  bun: [bin("bun"), SOURCE, smoke],
};

let passed = 0;
let failed = 0;
for (const [runtime, [command = "", ...args]] of Object.entries(runtimes)) {
  const run = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
  const ok = run.status === 0;
  const [, checksPassed = "0", checksFailed = "0"] = /(\d+) passed, (\d+) failed\s*$/.exec(output) ?? [];
  passed += Number(checksPassed);
  // a runtime that crashed before reporting still counts as a failure
  failed += ok ? Number(checksFailed) : Math.max(1, Number(checksFailed));
  console.log(`── ${runtime}: ${ok ? "ok" : `FAILED (exit ${run.status ?? run.signal})`}`);
  console.log(output.replace(/^/gm, "   "));
}
console.log(`${passed} passed, ${failed} failed`);
if (failed > 0) process.exitCode = 1;
