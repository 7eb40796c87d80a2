import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const script = "packages/testing/scripts/server-smoke.ts";
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

const runtimes: Record<string, readonly string[]> = {
  node: [process.execPath, script],
  deno: [
    bin("deno"),
    "run",
    "--quiet",
    "--no-prompt",
    "--allow-net=127.0.0.1",
    "--allow-read",
    "--allow-env",
    script,
  ],
  bun: [bin("bun"), script],
};

function run([command = "", ...args]: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, NO_COLOR: "1" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe.for(Object.entries(runtimes))("startEmulator under %s", ([, command]) => {
  it("starts, answers signed fetches and a WebSocket, closes, and lets the process exit", {
    timeout: 60_000,
  }, async ({ expect }) => {
    const { code, output } = await run(command);
    expect(output).toMatch(/5 passed, 0 failed\s*$/);
    expect(code).toBe(0);
  });
});
