/**
 * @module The storage-session checks as a browser page runs them: against the emulator named in `?emulator=` with
 * AWS credentials, and through the proxy named in `?proxy=` with device tokens from the page's own backend.
 */
import { openStorageSession } from "@kvs-webrtc-storage/core";
import { DEMO_CHANNELS, DEMO_CREDENTIALS } from "@kvs-webrtc-storage/testing/fixtures";
import { type CheckResult, runSessionChecks } from "../session/session-checks.ts";

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
// the README's device flow as written, with Chromium's own RTCPeerConnection taking the offer and answering it
async function readmeFlow(): Promise<CheckResult> {
  const name = "chromium proxy: the README's device flow, with a real RTCPeerConnection";
  const channelArn = DEMO_CHANNELS.demoCamera2.arn;
  const session = openStorageSession({
    channelArn,
    role: "MASTER",
    proxy: { origin: proxyOrigin, token: () => token({ channelArn, role: "MASTER" }) },
  });
  try {
    const offer = await session.nextOffer();
    const peer = new RTCPeerConnection({ iceServers: [...session.iceServers] });
    session.addEventListener("icecandidate", (event) => {
      peer.addIceCandidate(event.detail).catch(() => {});
    });
    await peer.setRemoteDescription(offer);
    await peer.setLocalDescription(await peer.createAnswer());
    const answer = peer.localDescription;
    if (answer?.type !== "answer") throw new Error(`no answer: ${answer?.type}`);
    session.sendAnswer(answer);
    const turn = session.iceServers.some((server) => server.urls.some((url) => url.startsWith("turn")));
    if (!turn) throw new Error("no TURN server among the ICE servers");
    peer.close();
    return { name };
  } catch (error) {
    return { name, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await session.close();
  }
}
results.push(await readmeFlow());

// the test reads the results off the page once they are there
Reflect.set(globalThis, "sessionResults", results);
