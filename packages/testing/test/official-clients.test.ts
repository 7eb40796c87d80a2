import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type LocalTls, localTls } from "../src/server/local-tls.ts";
import { type RunningEmulator, startEmulator } from "../src/server/start-emulator.ts";

const main = fileURLToPath(new URL("./official-clients-main.ts", import.meta.url));
let dir = "";
let tls: LocalTls;
let kvs: RunningEmulator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kvs-official-"));
  tls = await localTls(dir);
  kvs = await startEmulator({ port: 0, tls });
});
afterAll(async () => {
  await kvs?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("official clients, unmodified, against the emulator over TLS", () => {
  it("the KVS JS SDK signs and connects over wss, the AWS SDK v3 joins over https, and the offer arrives", {
    timeout: 60_000,
  }, async ({ expect }) => {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, EMULATOR_URL: kvs.url, NODE_EXTRA_CA_CERTS: tls.caPath, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(output).toContain("ws refused: Endpoint 'ws://");
    expect(output).toContain("signaling open");
    expect(output).toContain("joined: 200");
    expect(output).toMatch(/SDP offer received: offer, \d+ bytes/);
    expect(code, output).toBe(0);
  });
});
