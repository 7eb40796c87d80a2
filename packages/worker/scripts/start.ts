/** @module `npm start`: the emulator on 8790, `wrangler dev` on 8787 against it, and the demo tenant. */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import {
  DEMO_CREDENTIALS,
  DEMO_TOKEN_SIGNING_KEYS,
  EMULATOR_PORT,
} from "@kvs-webrtc-storage/testing/fixtures";
import { startEmulator } from "@kvs-webrtc-storage/testing/server";
import { demoCurl, seedDemoTenant } from "./demo.ts";
import { OFFLINE_WRANGLER_ENV, ROOT, WRANGLER, wranglerKv } from "./wrangler-kv.ts";

const PROXY_PORT = 8787;
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 90_000;

const emulator = await startEmulator({ port: EMULATOR_PORT, host: HOST });
console.log(`emulator listening on ${emulator.url}`);
await seedDemoTenant(wranglerKv("local"));

// Local-only values travel as --var, never as files: nothing here can be deployed.
const vars = {
  ALLOWED_REGIONS: "us-west-2,eu-west-1",
  EMULATOR_ORIGIN: emulator.url,
  AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.operator.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.operator.secretAccessKey,
  TOKEN_SIGNING_KEYS: DEMO_TOKEN_SIGNING_KEYS,
};
const wrangler: ChildProcess = spawn(
  process.execPath,
  [
    WRANGLER,
    "dev",
    "--config",
    join(ROOT, "wrangler.toml"),
    "--ip",
    HOST,
    "--port",
    String(PROXY_PORT),
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ],
  {
    cwd: ROOT,
    // Its own process group: wrangler leaves workerd children behind unless the whole group is signalled.
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, ...OFFLINE_WRANGLER_ENV },
  },
);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (wrangler.pid !== undefined && wrangler.exitCode === null) {
    try {
      process.kill(-wrangler.pid, "SIGTERM");
    } catch {
      // The group is already gone.
    }
  }
  await emulator.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
wrangler.on("exit", (code) => void stop(code ?? 1));

const origin = `http://${HOST}:${PROXY_PORT}`;
if (await ready(`${origin}/healthz`)) {
  console.log(
    `\nproxy ready on ${origin} (demo tenant "demo"); try:\n\n${demoCurl(origin)}\n\nCtrl-C stops everything.`,
  );
} else {
  console.error(`the proxy did not answer ${origin}/healthz within ${READY_TIMEOUT_MS / 1000} s`);
  await stop(1);
}

async function ready(url: string): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
