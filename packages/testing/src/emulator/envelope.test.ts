import { describe, it } from "vitest";
import { errorOf, signedPost } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_CREDENTIALS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { createEmulator } from "./create-emulator.ts";
import { isEmulatorNetworkError } from "./network-error.ts";

const join = () => signedPost("/joinStorageSession", { channelArn: DEMO_CHANNELS.demoCamera.arn });
const describeChannel = () => signedPost("/describeSignalingChannel", { ChannelName: "demo-camera" });

function setup() {
  const slept: number[] = [];
  const emulator = createEmulator({ now: () => DEMO_NOW, sleep: async (ms) => void slept.push(ms) });
  return { emulator, slept };
}

describe("fault injection", () => {
  it("adds latency through the injected sleep, then answers normally", async ({ expect }) => {
    const { emulator, slept } = setup();
    emulator.inject({ kind: "latency", ms: 250, route: "/joinStorageSession" });
    emulator.inject({ kind: "latency", ms: 50 });
    expect((await emulator.fetch(await join())).status).toBe(200);
    expect(slept).toEqual([250, 50]);
    expect(emulator.calls().at(-1)).toMatchObject({ status: 200, fault: "latency" });
  });

  it("answers 5xx with an AWS JSON body, a load balancer's HTML page, or no body", async ({ expect }) => {
    const { emulator } = setup();
    emulator.inject({ kind: "server-error", status: 502, body: "html", times: 1 });
    emulator.inject({ kind: "server-error", status: 503, times: 1 });
    emulator.inject({ kind: "server-error", status: 500, body: "empty", times: 1 });
    const html = await emulator.fetch(await join());
    expect([html.status, html.headers.get("content-type")]).toEqual([502, "text/html"]);
    expect(await html.text()).toContain("<h1>502 Bad Gateway</h1>");
    expect(await errorOf(await emulator.fetch(await join()))).toMatchObject({
      status: 503,
      code: "ServiceUnavailableException",
    });
    const empty = await emulator.fetch(await join());
    expect([empty.status, await empty.text()]).toEqual([500, ""]);
    expect((await emulator.fetch(await join())).status).toBe(200);
  });

  it("throttles with ClientLimitExceededException on the targeted route only", async ({ expect }) => {
    const { emulator } = setup();
    emulator.inject({ kind: "throttle", route: "/describeSignalingChannel" });
    expect(await errorOf(await emulator.fetch(await describeChannel()))).toMatchObject({
      status: 400,
      code: "ClientLimitExceededException",
      body: { Message: expect.any(String) },
    });
    expect((await emulator.fetch(await join())).status).toBe(200);
    expect((await emulator.fetch(await describeChannel())).status).toBe(400);
    emulator.clearFaults();
    expect((await emulator.fetch(await describeChannel())).status).toBe(200);
  });

  it("resets the connection with a network error, once", async ({ expect }) => {
    const { emulator } = setup();
    emulator.inject({ kind: "reset", times: 1 });
    const failure = await emulator.fetch(await join()).catch((error: unknown) => error);
    expect(isEmulatorNetworkError(failure) && failure instanceof TypeError).toBe(true);
    expect((await emulator.fetch(await join())).status).toBe(200);
    expect(emulator.calls().map((call) => [call.status, call.fault])).toEqual([
      [0, "reset"],
      [200, null],
    ]);
  });

  it("hangs until reset or close, or until the caller aborts", async ({ expect }) => {
    const { emulator } = setup();
    emulator.inject({ kind: "hang" });
    const hung = emulator.fetch(await join());
    expect(await emulator.waitForCalls(1)).toEqual([expect.objectContaining({ status: 0, fault: "hang" })]);
    emulator.reset();
    expect(isEmulatorNetworkError(await hung.catch((error: unknown) => error))).toBe(true);

    emulator.inject({ kind: "hang" });
    const closing = emulator.fetch(await join());
    await emulator.waitForCalls(1);
    emulator.close();
    expect(isEmulatorNetworkError(await closing.catch((error: unknown) => error))).toBe(true);

    emulator.inject({ kind: "hang" });
    const controller = new AbortController();
    const aborted = emulator.fetch(new Request(await join(), { signal: controller.signal }));
    await emulator.waitForCalls(2);
    controller.abort();
    expect(isEmulatorNetworkError(await aborted.catch((error: unknown) => error))).toBe(true);
  });
});

describe("call log", () => {
  it("records method, path, signer, body, status, error code and time, never a secret", async ({
    expect,
  }) => {
    const { emulator } = setup();
    await emulator.fetch(await join());
    const wrong = { ...DEMO_CREDENTIALS.session, secretAccessKey: "wrong" };
    const failed = await signedPost(
      "/describeSignalingChannel",
      { ChannelName: "demo-camera" },
      { credentials: wrong },
    );
    const signature = /Signature=([0-9a-f]{64})/.exec(failed.headers.get("authorization") ?? "")?.[1] ?? "";
    await emulator.fetch(failed);
    expect(emulator.calls()).toEqual([
      {
        time: DEMO_NOW,
        method: "POST",
        path: "/joinStorageSession",
        accessKeyId: "AKIAEMULATOROPERATOR",
        signedHeaders: ["host", "x-amz-date"],
        body: JSON.stringify({ channelArn: DEMO_CHANNELS.demoCamera.arn }),
        status: 200,
        errorCode: null,
        fault: null,
      },
      expect.objectContaining({
        accessKeyId: "ASIAEMULATORSESSION",
        signedHeaders: ["host", "x-amz-date", "x-amz-security-token"],
        status: 403,
        errorCode: "InvalidSignatureException",
      }),
    ]);
    const serialized = JSON.stringify(emulator.calls());
    for (const secret of [
      signature,
      "wrong",
      DEMO_CREDENTIALS.operator.secretAccessKey,
      DEMO_CREDENTIALS.session.sessionToken,
    ]) {
      expect(serialized).not.toContain(secret);
    }
    emulator.clearCalls();
    expect(emulator.calls()).toEqual([]);
  });
});
