import { createClient, isKvsError, type KvsClient } from "@kvs-webrtc-storage/core";
import { DEMO_CHANNELS, DEMO_CREDENTIALS } from "@kvs-webrtc-storage/testing/fixtures";
import { type RunningEmulator, startEmulator } from "@kvs-webrtc-storage/testing/server";
import { afterAll, beforeEach, describe, it } from "vitest";

// core's client over real HTTP against the emulator's Node server: what a user of both sees
const running: RunningEmulator[] = [];
async function emulatorAndClient(
  options: { now?: () => number; timeoutMs?: number } = {},
): Promise<{ emulator: RunningEmulator; kvs: KvsClient }> {
  const emulator = await startEmulator({ port: 0, now: options.now ?? Date.now });
  running.push(emulator);
  const kvs = createClient({
    credentials: DEMO_CREDENTIALS.operator,
    controlPlaneEndpoint: emulator.url,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { emulator, kvs };
}

const joins = (emulator: RunningEmulator) =>
  emulator.calls().filter((call) => call.path.startsWith("/joinStorage"));
const channelArn = DEMO_CHANNELS.demoCamera.arn;

afterAll(async () => {
  await Promise.all(running.map((emulator) => emulator.close()));
});

describe("core against the emulator", () => {
  let emulator: RunningEmulator;
  let kvs: KvsClient;
  beforeEach(async () => {
    ({ emulator, kvs } = await emulatorAndClient());
  });

  it("discovers the WEBRTC endpoint, then joins there signed with the operator key", async ({ expect }) => {
    const { requestId } = await kvs.joinStorageSession({ channelArn });
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(emulator.calls().map((call) => [call.path, call.status, call.accessKeyId])).toEqual([
      ["/getSignalingChannelEndpoint", 200, "AKIAEMULATOROPERATOR"],
      ["/joinStorageSession", 200, "AKIAEMULATOROPERATOR"],
    ]);
    expect(joins(emulator)[0]?.signedHeaders).toEqual(["host", "x-amz-date"]);
  });

  it("joins as a viewer and reports the viewer cap without retrying it", async ({ expect }) => {
    // a second passes between joins on the emulator's clock, so the 2 TPS limit never decides the outcome
    let clock = Date.now();
    const { emulator: paced, kvs: viewer } = await emulatorAndClient({ now: () => clock });
    const joinAs = (clientId: string) => {
      clock += 1000;
      return viewer.joinStorageSessionAsViewer({ channelArn, clientId });
    };
    for (const clientId of ["v1", "v2", "v3"]) await joinAs(clientId);
    const failure = await joinAs("v4").catch((e: unknown) => e);
    expect(isKvsError(failure, "ViewerLimitExceeded")).toBe(true);
    expect(joins(paced).map((call) => call.errorCode)).toEqual([
      null,
      null,
      null,
      "ClientLimitExceededException",
    ]);
  });

  it("returns the endpoints of each requested protocol", async ({ expect }) => {
    const endpoints = await kvs.getSignalingChannelEndpoint({
      channelArn,
      protocols: ["WSS", "HTTPS", "WEBRTC"],
      role: "MASTER",
    });
    expect(endpoints).toEqual({
      WSS: emulator.url.replace("http", "ws"),
      HTTPS: emulator.url,
      WEBRTC: emulator.url,
    });
  });

  it("retries a throttled join and succeeds", async ({ expect }) => {
    emulator.inject({ kind: "throttle", route: "/joinStorageSession", times: 1 });
    await kvs.joinStorageSession({ channelArn });
    expect(joins(emulator).map((call) => call.errorCode)).toEqual(["ClientLimitExceededException", null]);
  });

  it("retries a join answered with an HTML 502, but never repeats one whose connection was reset", async ({
    expect,
  }) => {
    emulator.inject({
      kind: "server-error",
      status: 502,
      body: "html",
      route: "/joinStorageSession",
      times: 1,
    });
    await kvs.joinStorageSession({ channelArn });
    expect(joins(emulator).map((call) => call.status)).toEqual([502, 200]);

    emulator.clearCalls();
    emulator.inject({ kind: "reset", route: "/joinStorageSession", times: 1 });
    const failure = await kvs.joinStorageSession({ channelArn }).catch((e: unknown) => e);
    expect(isKvsError(failure, "NetworkError")).toBe(true);
    expect(joins(emulator)).toHaveLength(1);
  });

  it("times out a hung join once, without repeating it", async ({ expect }) => {
    const { emulator: hung, kvs: impatient } = await emulatorAndClient({ timeoutMs: 150 });
    hung.inject({ kind: "hang", route: "/joinStorageSession", times: 1 });
    const failure = await impatient.joinStorageSession({ channelArn }).catch((e: unknown) => e);
    expect(isKvsError(failure, "TimeoutError")).toBe(true);
    expect(joins(hung)).toHaveLength(1);
  });
});

describe("core against an emulator whose clock is 10 minutes ahead", () => {
  it("corrects its clock from the answer and re-signs once", async ({ expect }) => {
    const { emulator, kvs } = await emulatorAndClient({ now: () => Date.now() + 10 * 60_000 });
    await kvs.joinStorageSession({ channelArn });
    expect(emulator.calls().map((call) => [call.path, call.errorCode])).toEqual([
      ["/getSignalingChannelEndpoint", "InvalidSignatureException"],
      ["/getSignalingChannelEndpoint", null],
      ["/joinStorageSession", null],
    ]);
  });
});
