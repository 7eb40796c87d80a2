/**
 * @module The storage-session checks as a browser page runs them: against the emulator named in `?emulator=` with
 * AWS credentials, and through the proxy named in `?proxy=` with device tokens from the page's own backend.
 */
import { DEMO_CREDENTIALS } from "@kvs-webrtc-storage/testing/fixtures";
import { runSessionChecks } from "../session/session-checks.ts";

const query = new URL(location.href).searchParams;
const emulatorOrigin = query.get("emulator") ?? "";
const proxyOrigin = query.get("proxy") ?? "";

// the page never holds the tenant key: its backend mints a token for the participant it asks for
async function token(participant: object): Promise<string> {
  const response = await fetch("/token", { method: "POST", body: JSON.stringify(participant) });
  return ((await response.json()) as { token: string }).token;
}

const results = [
  ...(await runSessionChecks({
    name: "chromium direct",
    emulatorOrigin,
    access: async () => ({ credentials: DEMO_CREDENTIALS.operator, controlPlaneEndpoint: emulatorOrigin }),
  })),
  ...(await runSessionChecks({
    name: "chromium proxy",
    emulatorOrigin,
    access: async (participant) => ({ proxy: { origin: proxyOrigin, token: await token(participant) } }),
  })),
];
// the test reads the results off the page once they are there
Reflect.set(globalThis, "sessionResults", results);
