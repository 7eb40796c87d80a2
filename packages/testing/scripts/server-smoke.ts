/**
 * @module The server smoke check, run unchanged under Node, Deno and Bun:
 * `node|bun packages/testing/scripts/server-smoke.ts`, `deno run -A packages/testing/scripts/server-smoke.ts`.
 * Starts the emulator on an ephemeral port, signs with aws4fetch, opens a signaling WebSocket, closes
 * everything, then lets the process end on its own (a leaked handle would keep it alive).
 */
import { AwsClient, AwsV4Signer } from "aws4fetch";
import { DEMO_CHANNELS, DEMO_CREDENTIALS } from "../src/fixtures/index.ts";
import { startEmulator } from "../src/server/index.ts";

const kvs = await startEmulator({ port: 0 });
const channelArn = DEMO_CHANNELS.demoCamera.arn;
const aws = new AwsClient({
  ...DEMO_CREDENTIALS.operator,
  service: "kinesisvideo",
  region: "us-west-2",
  retries: 0,
});
const join = () =>
  aws.fetch(`${kvs.url}/joinStorageSession`, { method: "POST", body: JSON.stringify({ channelArn }) });

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

async function openMaster(): Promise<{ socket: WebSocket; firstMessage: Promise<string> }> {
  const url = new URL(kvs.url);
  url.searchParams.set("X-Amz-ChannelARN", channelArn);
  url.searchParams.set("X-Amz-Expires", "299");
  const signer = new AwsV4Signer({
    ...DEMO_CREDENTIALS.operator,
    url: url.toString(),
    method: "GET",
    service: "kinesisvideo",
    region: "us-west-2",
    signQuery: true,
  });
  const socket = new WebSocket((await signer.sign()).url.toString().replace(/^http/, "ws"));
  const firstMessage = new Promise<string>((resolve) => {
    socket.addEventListener("message", (event) => resolve(String(event.data)), { once: true });
  });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error("WebSocket refused")), { once: true });
  });
  return { socket, firstMessage };
}

const checks: Record<string, () => Promise<void>> = {
  "a signed join is answered 200 with Date and x-amzn-RequestId": async () => {
    const response = await join();
    check(response.status === 200, `status ${response.status}`);
    check(
      Boolean(response.headers.get("date") && response.headers.get("x-amzn-requestid")),
      "missing headers",
    );
  },
  "a wrong secret is answered InvalidSignatureException": async () => {
    const wrong = new AwsClient({
      ...DEMO_CREDENTIALS.operator,
      secretAccessKey: "wrong",
      service: "kinesisvideo",
      region: "us-west-2",
      retries: 0,
    });
    const response = await wrong.fetch(`${kvs.url}/joinStorageSession`, {
      method: "POST",
      body: JSON.stringify({ channelArn }),
    });
    check(
      response.headers.get("x-amzn-errortype")?.startsWith("InvalidSignatureException:") === true,
      String(response.status),
    );
  },
  "the control endpoint lists the calls": async () => {
    const calls: unknown = await (await fetch(`${kvs.url}/_emulator/calls`)).json();
    check(Array.isArray(calls) && calls.length === 2, JSON.stringify(calls));
  },
  "a presigned ConnectAsMaster receives the SDP offer a join triggers": async () => {
    const { socket, firstMessage } = await openMaster();
    check((await join()).status === 200, "join failed");
    check(JSON.parse(await firstMessage).messageType === "SDP_OFFER", "no SDP_OFFER");
    socket.close();
  },
  "close() ends a hung request": async () => {
    kvs.inject({ kind: "hang", route: "/describeSignalingChannel" });
    const hung = aws
      .fetch(`${kvs.url}/describeSignalingChannel`, { method: "POST", body: '{"ChannelName":"demo-camera"}' })
      .then(
        () => "answered",
        () => "dropped",
      );
    await kvs.waitForCalls(kvs.calls().length + 1);
    await kvs.close();
    check((await hung) === "dropped", "the hung request was answered");
  },
};

let failed = 0;
for (const [name, run] of Object.entries(checks)) {
  try {
    await run();
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
await kvs.close();
console.log(`${Object.keys(checks).length - failed} passed, ${failed} failed`);
if (failed > 0) process.exitCode = 1;
