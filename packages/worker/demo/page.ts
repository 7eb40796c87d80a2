/**
 * @module The demo page's script (bundled by esbuild for the browser): a device token from the page's own backend,
 * a device session and a join through the proxy, signaling through the official KVS WebRTC JS SDK (loaded as the
 * `KVSWebRTC` global from its own browser build), and the storage session's SDP offer shown when it arrives.
 */

export {};

interface DemoToken {
  readonly token: string;
  readonly proxy: string;
  readonly channelArn: string;
  readonly clientId: string;
  readonly region: string;
}

interface SignalingClient {
  on(event: "open" | "close", listener: () => void): void;
  on(event: "sdpOffer", listener: (offer: { type: string; sdp: string }) => void): void;
  on(event: "error", listener: (error: unknown) => void): void;
  open(): void;
}

declare const KVSWebRTC: {
  readonly Role: { readonly VIEWER: string };
  readonly SignalingClient: new (config: Record<string, unknown>) => SignalingClient;
};

const status = document.querySelector<HTMLElement>("#status");
const steps = document.querySelector<HTMLOListElement>("#steps");
const offerView = document.querySelector<HTMLPreElement>("#offer");

let offered = false;

function report(state: "step" | "offer" | "error", text: string): void {
  offered ||= state === "offer";
  // once the offer is in, later steps are listed but the status stays on it
  if (status !== null && (state !== "step" || !offered)) {
    status.textContent = text;
    status.dataset.state = state;
  }
  const item = document.createElement("li");
  item.textContent = text;
  steps?.append(item);
}

async function call<T>(url: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) {
    const type = response.headers.get("x-amzn-ErrorType") ?? "error";
    throw new Error(`${new URL(url).pathname} answered ${response.status} ${type}: ${text}`);
  }
  return (text === "" ? {} : JSON.parse(text)) as T;
}

async function main(): Promise<void> {
  const demo = await call<DemoToken>("/token", {});
  report("step", `device token for viewer ${demo.clientId} (from this page's backend)`);
  const session = await call<{ signalingUrl: string }>(
    `${demo.proxy}/v1/device-session`,
    { channelArn: demo.channelArn, role: "VIEWER", clientId: demo.clientId },
    demo.token,
  );
  report("step", "device session: a presigned signaling URL from the proxy");
  const signaling = new KVSWebRTC.SignalingClient({
    channelARN: demo.channelArn,
    channelEndpoint: new URL(session.signalingUrl).origin,
    role: KVSWebRTC.Role.VIEWER,
    clientId: demo.clientId,
    region: demo.region,
    // the proxy already presigned the URL: the SDK needs no AWS credentials here
    requestSigner: { getSignedURL: async () => session.signalingUrl },
  });
  signaling.on("sdpOffer", (offer) => {
    if (offerView !== null) offerView.textContent = offer.sdp;
    report("offer", "SDP offer received from the storage session");
  });
  signaling.on("error", (error) => report("error", `signaling error: ${String(error)}`));
  signaling.on("open", () => {
    report("step", "signaling open (official SDK SignalingClient)");
    call(
      `${demo.proxy}/joinStorageSessionAsViewer`,
      { channelArn: demo.channelArn, clientId: demo.clientId },
      demo.token,
    )
      .then(() => report("step", "joined the storage session through the proxy; waiting for its offer"))
      .catch((error: unknown) => report("error", String(error)));
  });
  signaling.open();
}

main().catch((error: unknown) => report("error", error instanceof Error ? error.message : String(error)));
