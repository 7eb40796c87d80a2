/** @module Runs the core smoke suite in whichever runtime executes this file (node, deno run, bun). */
import { runCoreSmoke } from "./runtime-smoke.ts";

const results = await runCoreSmoke();
for (const result of results) {
  console.log(
    `${result.error === undefined ? "✓" : "✗"} ${result.name}${result.error === undefined ? "" : `: ${result.error}`}`,
  );
}
const failed = results.filter((result) => result.error !== undefined).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
// Deno 2 provides `process` too, so one exit path serves every runtime
if (failed > 0) process.exitCode = 1;
