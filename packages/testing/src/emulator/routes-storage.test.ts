import { describe, it } from "vitest";
import { errorOf, ORIGIN, presignConnect, signedPost } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { createEmulator } from "./create-emulator.ts";
import type { SdpOfferMessage } from "./sdp-offer.ts";

const { demoCamera, demoCamera2, noStorageCamera } = DEMO_CHANNELS;

function clock(start = DEMO_NOW) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const viewerJoin = (clientId: string, channelArn: string = demoCamera.arn) =>
  signedPost("/joinStorageSessionAsViewer", { channelArn, clientId });

describe("JoinStorageSession / JoinStorageSessionAsViewer", () => {
  it("answer 200 with an empty body and a request id", async ({ expect }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    for (const request of [
      await signedPost("/joinStorageSession", { channelArn: demoCamera.arn }),
      await viewerJoin("v1"),
    ]) {
      const response = await emulator.fetch(request);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
      expect(response.headers.get("x-amzn-RequestId")).toBeTruthy();
    }
  });

  it("refuse a channel without media storage, an unknown channel, and malformed input", async ({
    expect,
  }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    const cases = [
      [{ channelArn: noStorageCamera.arn }, 400, "InvalidArgumentException"],
      [{ channelArn: `${demoCamera.arn}9` }, 404, "ResourceNotFoundException"],
      [
        { channelArn: "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera" },
        400,
        "InvalidArgumentException",
      ],
      [{}, 400, "InvalidArgumentException"],
      ["{", 400, "SerializationException"],
      [{ channelArn: 7 }, 400, "SerializationException"],
    ] as const;
    for (const [body, status, code] of cases) {
      const error = await errorOf(await emulator.fetch(await signedPost("/joinStorageSession", body)));
      expect(error).toMatchObject({ status, code, body: { message: expect.any(String) } });
    }
    const missingClient = await emulator.fetch(
      await signedPost("/joinStorageSessionAsViewer", { channelArn: demoCamera.arn }),
    );
    expect(await errorOf(missingClient)).toMatchObject({
      status: 400,
      code: "InvalidArgumentException",
      body: {
        message:
          "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
      },
    });
    for (const clientId of ["bad id", "x".repeat(257)]) {
      const response = await emulator.fetch(await viewerJoin(clientId));
      expect((await errorOf(response)).code).toBe("InvalidArgumentException");
    }
  });

  it("throttle a third call per channel within a second, per operation", async ({ expect }) => {
    const time = clock();
    const emulator = createEmulator({ now: time.now });
    const master = () => signedPost("/joinStorageSession", { channelArn: demoCamera.arn });
    expect((await emulator.fetch(await master())).status).toBe(200);
    expect((await emulator.fetch(await master())).status).toBe(200);
    expect(await errorOf(await emulator.fetch(await master()))).toMatchObject({
      status: 400,
      code: "ClientLimitExceededException",
      body: { message: expect.stringContaining("throttled") },
    });
    expect((await emulator.fetch(await viewerJoin("v1"))).status).toBe(200);
    expect(
      (await emulator.fetch(await signedPost("/joinStorageSession", { channelArn: demoCamera2.arn }))).status,
    ).toBe(200);
    time.advance(1000);
    expect((await emulator.fetch(await master())).status).toBe(200);
  });

  it("admit at most three viewers per session within the idle window; a rejoin always gets in", async ({
    expect,
  }) => {
    const time = clock();
    const emulator = createEmulator({ now: time.now });
    for (const id of ["a", "b", "c"]) {
      expect((await emulator.fetch(await viewerJoin(id))).status).toBe(200);
      time.advance(500);
    }
    const fourth = await errorOf(await emulator.fetch(await viewerJoin("d")));
    expect(fourth).toMatchObject({ status: 400, code: "ClientLimitExceededException" });
    expect(fourth.body).toEqual({
      message: expect.stringContaining("maximum number of viewers connected to the session"),
    });
    time.advance(1000);
    expect((await emulator.fetch(await viewerJoin("a"))).status).toBe(200);
    time.advance(60_000);
    expect((await emulator.fetch(await viewerJoin("d"))).status).toBe(200);
  });
});

describe("SDP offer delivery", () => {
  it("sends the storage session's SDP_OFFER to the joining master or viewer socket only", async ({
    expect,
  }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    const inbox = { master: [] as string[], v1: [] as string[], v2: [] as string[] };
    const connect = async (box: keyof typeof inbox, clientId?: string) => {
      const url = await presignConnect(ORIGIN, demoCamera.arn, clientId === undefined ? {} : { clientId });
      const upgrade = await emulator.connectSignaling(new Request(url));
      if (!upgrade.ok) throw new Error(`refused: ${upgrade.response.status}`);
      upgrade.accept({ send: (data) => inbox[box].push(data), close: () => {} });
    };
    await connect("master");
    await connect("v1", "v1");
    await connect("v2", "v2");

    await emulator.fetch(await signedPost("/joinStorageSession", { channelArn: demoCamera.arn }));
    await emulator.fetch(await viewerJoin("v2"));

    expect(inbox.master).toHaveLength(1);
    expect(inbox.v1).toHaveLength(0);
    expect(inbox.v2).toHaveLength(1);
    const message: SdpOfferMessage = JSON.parse(inbox.master[0] ?? "");
    expect(Object.keys(message)).toEqual(["messageType", "messagePayload"]);
    expect(message.messageType).toBe("SDP_OFFER");
    const payload = JSON.parse(atob(message.messagePayload));
    expect(payload).toEqual({ type: "offer", sdp: expect.stringMatching(/^v=0\r\n/) });
  });

  it("loses the next N offers to a drop-offer fault while joins still answer 200, then sends again", async ({
    expect,
  }) => {
    const time = clock();
    const emulator = createEmulator({ now: time.now });
    const inbox: string[] = [];
    const upgrade = await emulator.connectSignaling(
      new Request(await presignConnect(ORIGIN, demoCamera.arn)),
    );
    if (!upgrade.ok) throw new Error("refused");
    upgrade.accept({ send: (data) => inbox.push(data), close: () => {} });
    const armed = await emulator.fetch(
      new Request(`${ORIGIN}/_emulator/faults`, {
        method: "POST",
        body: JSON.stringify({ kind: "drop-offer", times: 2 }),
      }),
    );
    expect(armed.status).toBe(201);
    const join = async () => {
      time.advance(600);
      return (await emulator.fetch(await signedPost("/joinStorageSession", { channelArn: demoCamera.arn })))
        .status;
    };
    // a discovery call does not consume it: only joins do
    await emulator.fetch(await signedPost("/describeSignalingChannel", { ChannelName: demoCamera.name }));
    expect([await join(), await join()]).toEqual([200, 200]);
    expect(inbox).toEqual([]);
    expect(await join()).toBe(200);
    expect(inbox).toHaveLength(1);
  });
});
