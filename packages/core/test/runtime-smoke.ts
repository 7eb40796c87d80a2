/**
 * @module The core smoke suite, the same code on Node, Deno, Bun (smoke-main.ts), workerd
 * (runtime-smoke.workerd.test.ts) and Chromium (browser/): sign + join against the emulator — its in-process fetch
 * handler, or, from a browser page, a running emulator on another origin.
 */
import { createClient, isKvsError, presignUrl, signRequest } from "@kvs-webrtc-storage/core";
import { createEmulator } from "@kvs-webrtc-storage/testing";
import { DEMO_CHANNELS, DEMO_CREDENTIALS } from "@kvs-webrtc-storage/testing/fixtures";

/** The emulator the checks call: its origin, how to reach it, and how many calls it has logged. */
export interface SmokeTarget {
  readonly origin: string;
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  callCount(): Promise<number>;
  close(): void;
}

/** The emulator in this process, reached through its fetch handler. */
export function inProcessTarget(): SmokeTarget {
  const emulator = createEmulator();
  return {
    origin: "http://emulator.test",
    fetch: (input, init) => emulator.fetch(new Request(input, init)),
    callCount: async () => emulator.calls().length,
    close: () => emulator.close(),
  };
}

/** A running emulator at `origin`, reached over the network (from a page: cross-origin, through CORS). */
export function remoteTarget(origin: string): SmokeTarget {
  return {
    origin,
    fetch: (input, init) => globalThis.fetch(input, init),
    callCount: async () =>
      ((await (await globalThis.fetch(`${origin}/_emulator/calls`)).json()) as unknown[]).length,
    close: () => {},
  };
}

export interface SmokeResult {
  readonly name: string;
  readonly error?: string;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** Runs every smoke check and reports each one; never throws. */
export async function runCoreSmoke(target: SmokeTarget = inProcessTarget()): Promise<SmokeResult[]> {
  const { origin: ORIGIN, fetch } = target;
  const kvs = createClient({ credentials: DEMO_CREDENTIALS.operator, controlPlaneEndpoint: ORIGIN, fetch });
  const channelArn = DEMO_CHANNELS.demoCamera.arn;

  const checks: Record<string, () => Promise<void>> = {
    "signRequest output is accepted by an independent SigV4 verifier": async () => {
      const request = new Request(`${ORIGIN}/joinStorageSession`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ channelArn }),
      });
      const signed = await signRequest(request, {
        credentials: DEMO_CREDENTIALS.session,
        region: "us-west-2",
      });
      const response = await fetch(signed);
      check(response.status === 200, `expected 200, got ${response.status}: ${await response.text()}`);
    },
    "joinStorageSession discovers the WEBRTC endpoint and joins": async () => {
      const { requestId } = await kvs.joinStorageSession({ channelArn: DEMO_CHANNELS.demoCamera2.arn });
      check(requestId.length > 0, "no request id");
    },
    "joinStorageSessionAsViewer joins": async () => {
      const { requestId } = await kvs.joinStorageSessionAsViewer({ channelArn, clientId: "smoke-viewer" });
      check(requestId.length > 0, "no request id");
    },
    "getSignalingChannelEndpoint returns the requested endpoints": async () => {
      const endpoints = await kvs.getSignalingChannelEndpoint({
        channelArn,
        protocols: ["WSS", "HTTPS"],
        role: "MASTER",
      });
      check(
        endpoints.WSS === ORIGIN.replace(/^http/, "ws") && endpoints.HTTPS === ORIGIN,
        JSON.stringify(endpoints),
      );
    },
    "a wrong secret is answered InvalidSignatureException": async () => {
      const wrong = createClient({
        credentials: { ...DEMO_CREDENTIALS.operator, secretAccessKey: "wrong-secret" },
        endpoint: ORIGIN,
        fetch,
      });
      const failure = await wrong
        .joinStorageSession({ channelArn: DEMO_CHANNELS.otherCamera.arn })
        .catch((e) => e);
      check(isKvsError(failure, "InvalidSignatureException") && failure.status === 403, String(failure));
    },
    "invalid input fails before any network call": async () => {
      const before = await target.callCount();
      const failure = await kvs.joinStorageSession({ channelArn: "not-an-arn" }).catch((e) => e);
      check(isKvsError(failure, "InvalidArgumentException"), String(failure));
      check((await target.callCount()) === before, "the emulator was called");
    },
    "a channel without media storage is refused by the service": async () => {
      const failure = await kvs
        .joinStorageSession({ channelArn: DEMO_CHANNELS.noStorageCamera.arn })
        .catch((e) => e);
      check(isKvsError(failure, "InvalidArgumentException") && failure.status === 400, String(failure));
    },
    "presignUrl yields query authentication for the signaling endpoint": async () => {
      const url = new URL("ws://emulator.test");
      url.searchParams.set("X-Amz-ChannelARN", channelArn);
      const signed = await presignUrl(url, {
        credentials: DEMO_CREDENTIALS.operator,
        region: "us-west-2",
        expiresIn: 299,
      });
      check(/^[0-9a-f]{64}$/.test(signed.searchParams.get("X-Amz-Signature") ?? ""), signed.search);
    },
  };

  const results: SmokeResult[] = [];
  for (const [name, run] of Object.entries(checks)) {
    try {
      await run();
      results.push({ name });
    } catch (error) {
      results.push({ name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  target.close();
  return results;
}
