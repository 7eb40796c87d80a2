/**
 * @module `npm start`: the emulator on 8790, `wrangler dev` on 8787 against it with the demo tenant, and the browser
 * demo page on 8800 (`--proxy-port`, `--emulator-port`, `--page-port` or `PROXY_PORT`, `EMULATOR_PORT`,
 * `DEMO_PAGE_PORT` choose others; `--tls` runs the emulator over TLS); prints working requests and the page's
 * address. Ctrl-C stops everything.
 */
import { localTls } from "@kvs-webrtc-storage/testing/server";
import { demoCurl } from "./demo.ts";
import { startLocalStack } from "./local-stack.ts";
import { assertPortsFree, parseStartPorts } from "./start-options.ts";

const host = "127.0.0.1";
const stack = await (async () => {
  const { tls, ...ports } = parseStartPorts(process.argv.slice(2), process.env);
  await assertPortsFree(host, { ...ports, tls });
  const material = tls ? await localTls() : undefined;
  if (material !== undefined)
    console.log(`emulator over TLS; its CA: ${material.caPath} (NODE_EXTRA_CA_CERTS)`);
  return startLocalStack({
    host,
    ...ports,
    wranglerOutput: "inherit",
    ...(material === undefined ? {} : { tls: material }),
  });
})().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
console.log(`emulator listening on ${stack.emulator.url}`);
console.log(`\nproxy ready on ${stack.proxyUrl} (demo tenant "demo"); try:\n\n${demoCurl(stack.proxyUrl)}\n`);
console.log(`browser demo (the official KVS WebRTC JS SDK through the proxy): ${stack.pageUrl}\n`);
console.log("Ctrl-C stops everything.");

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
void stack.exited.then((code) => stop(code ?? 1));
