/**
 * @module Runs the storage-session checks in whichever runtime executes this file (node, deno run, bun), against
 * `KVS_EMULATOR_ORIGIN` directly and through the proxy at `KVS_PROXY_ORIGIN` with device tokens of the demo tenant.
 */
import { DEMO_CREDENTIALS, DEMO_TENANT_KEY } from "@kvs-webrtc-storage/testing/fixtures";
import { type CheckResult, runSessionChecks } from "./session-checks.ts";

const emulatorOrigin = process.env.KVS_EMULATOR_ORIGIN ?? "";
const proxyOrigin = process.env.KVS_PROXY_ORIGIN ?? "";
const runtime = process.env.KVS_RUNTIME ?? "node";

// what a device's backend does: mint a token for exactly this participant with the tenant key
async function mintToken(participant: object): Promise<string> {
  const response = await fetch(`${proxyOrigin}/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEMO_TENANT_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ ...participant, ttlSeconds: 300 }),
  });
  if (!response.ok) throw new Error(`minting a token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

const print = (result: CheckResult) =>
  console.log(
    `${result.error === undefined ? "✓" : "✗"} ${result.name}${result.error === undefined ? "" : `: ${result.error}`}`,
  );
const results = [
  ...(await runSessionChecks(
    {
      name: `${runtime} direct`,
      emulatorOrigin,
      access: async () => ({ credentials: DEMO_CREDENTIALS.operator, controlPlaneEndpoint: emulatorOrigin }),
    },
    print,
  )),
  ...(await runSessionChecks(
    {
      name: `${runtime} proxy`,
      emulatorOrigin,
      access: async (participant) => ({
        proxy: { origin: proxyOrigin, token: await mintToken(participant) },
      }),
    },
    print,
  )),
];
const failed = results.filter((result) => result.error !== undefined).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
if (failed > 0) process.exitCode = 1;
