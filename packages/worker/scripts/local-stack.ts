/**
 * @module The local stack `npm start` runs, and the browser test too: the emulator, `wrangler dev` with the proxy
 * pointed at it (the demo tenant seeded, a local token signing key), and the demo page with its tenant backend.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { DEMO_CREDENTIALS, DEMO_TOKEN_SIGNING_KEYS } from "@kvs-webrtc-storage/testing/fixtures";
import { type LocalTls, type RunningEmulator, startEmulator } from "@kvs-webrtc-storage/testing/server";
import { startDemoPage } from "../demo/demo-page.ts";
import { seedDemoTenant } from "./demo.ts";
import { OFFLINE_WRANGLER_ENV, ROOT, WRANGLER, wranglerKv } from "./wrangler-kv.ts";

/** Where each part listens (port 0: a free one); `persistTo` gives wrangler a state directory of its own. */
export interface LocalStackOptions {
  readonly host: string;
  readonly proxyPort: number;
  readonly emulatorPort: number;
  readonly pagePort: number;
  readonly persistTo?: string;
  /** Run the emulator over TLS with this material (the proxy trusts its CA through NODE_EXTRA_CA_CERTS). */
  readonly tls?: LocalTls;
  /** Where wrangler's own output goes. */
  readonly wranglerOutput: "inherit" | "ignore";
}

/** The running stack. `exited` settles when wrangler stops on its own. */
export interface LocalStack {
  readonly proxyUrl: string;
  readonly emulator: RunningEmulator;
  readonly pageUrl: string;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;

/**
 * Starts the emulator, the proxy (`wrangler dev`, in its own process group so that stopping it stops workerd too)
 * and the demo page, and resolves once the proxy answers `/healthz`.
 *
 * @example
 * const stack = await startLocalStack({ host: "127.0.0.1", proxyPort: 8787, emulatorPort: 8790, pagePort: 8800,
 *   wranglerOutput: "inherit" });
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { host, persistTo } = options;
  // wrangler dev takes no port 0: a free one is found for it
  const proxyPort = options.proxyPort === 0 ? await freePort(host) : options.proxyPort;
  const emulator = await startEmulator({
    port: options.emulatorPort,
    host,
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
  await seedDemoTenant(wranglerKv("local", persistTo));
  // local-only values travel as --var, never as files: nothing here can be deployed
  const vars = {
    ALLOWED_REGIONS: "us-west-2,eu-west-1",
    EMULATOR_ORIGIN: emulator.url,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.operator.secretAccessKey,
    TOKEN_SIGNING_KEYS: DEMO_TOKEN_SIGNING_KEYS,
  };
  const args = [WRANGLER, "dev", "--config", join(ROOT, "wrangler.toml"), "--ip", host];
  args.push("--port", String(proxyPort), ...(persistTo === undefined ? [] : ["--persist-to", persistTo]));
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const wrangler: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", options.wranglerOutput, options.wranglerOutput],
    // wrangler hands NODE_EXTRA_CA_CERTS to workerd, so the proxy trusts the emulator's local CA
    env: {
      ...process.env,
      ...OFFLINE_WRANGLER_ENV,
      ...(options.tls === undefined ? {} : { NODE_EXTRA_CA_CERTS: options.tls.caPath }),
    },
  });
  const exited = new Promise<number | null>((resolve) => wrangler.once("exit", resolve));
  const proxyUrl = `http://${host}:${proxyPort}`;
  const stopWrangler = async () => {
    if (wrangler.pid !== undefined && wrangler.exitCode === null && wrangler.signalCode === null) {
      try {
        process.kill(-wrangler.pid, "SIGTERM");
      } catch {
        // the group is already gone
      }
      await exited;
    }
  };
  const ready = await Promise.race([healthy(`${proxyUrl}/healthz`), exited.then(() => false)]);
  if (!ready) {
    await stopWrangler();
    await emulator.close();
    throw new Error(`the proxy did not answer ${proxyUrl}/healthz within ${READY_TIMEOUT_MS / 1000} s`);
  }
  const page = await startDemoPage({ port: options.pagePort, host, proxyUrl });
  return {
    proxyUrl,
    emulator,
    pageUrl: page.url,
    exited,
    async stop() {
      await Promise.all([page.close(), stopWrangler()]);
      await emulator.close();
    },
  };
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}

async function healthy(url: string): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
