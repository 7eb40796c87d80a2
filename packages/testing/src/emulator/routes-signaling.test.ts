import { describe, it } from "vitest";
import { errorOf, ORIGIN, presignConnect, signedPost } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { createEmulator } from "./create-emulator.ts";

const { demoCamera } = DEMO_CHANNELS;

describe("GetIceServerConfig", () => {
  it("returns TURN servers on the emulator's host with a 300 s TTL", async ({ expect }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    const request = await signedPost("/v1/get-ice-server-config", {
      ChannelARN: demoCamera.arn,
      ClientId: "viewer-1",
      Service: "TURN",
    });
    const response = await emulator.fetch(request);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      IceServerList: [
        {
          Uris: ["turn:emulator.test:443?transport=udp", "turns:emulator.test:443?transport=tcp"],
          Username: `${DEMO_NOW / 1000 + 300}:${btoa(demoCamera.arn)}`,
          Password: expect.stringMatching(/^[A-Za-z0-9+/=]{32}$/),
          Ttl: 300,
        },
      ],
    });
  });

  it("answers errors with Message, like the rest of signaling", async ({ expect }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    const unknown = await emulator.fetch(
      await signedPost("/v1/get-ice-server-config", { ChannelARN: `${demoCamera.arn}1` }),
    );
    expect(await errorOf(unknown)).toMatchObject({
      status: 404,
      code: "ResourceNotFoundException",
      body: { Message: expect.any(String) },
    });
    const badService = await emulator.fetch(
      await signedPost("/v1/get-ice-server-config", { ChannelARN: demoCamera.arn, Service: "STUN" }),
    );
    expect(await errorOf(badService)).toMatchObject({ status: 400, code: "InvalidArgumentException" });
  });

  it("admits 5 calls per channel per second, then answers ClientLimitExceededException", async ({
    expect,
  }) => {
    let now = DEMO_NOW;
    const emulator = createEmulator({ now: () => now });
    const call = async () =>
      emulator.fetch(await signedPost("/v1/get-ice-server-config", { ChannelARN: demoCamera.arn }));
    for (let i = 0; i < 5; i++) expect((await call()).status).toBe(200);
    expect(await errorOf(await call())).toMatchObject({
      status: 400,
      code: "ClientLimitExceededException",
      body: { Message: expect.stringContaining("throttled") },
    });
    now += 1000;
    expect((await call()).status).toBe(200);
  });
});

describe("the WSS endpoint over plain fetch", () => {
  it("answers 426 to a valid presigned request and the refusal to an invalid one", async ({ expect }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    const valid = await emulator.fetch(new Request(await presignConnect(ORIGIN, demoCamera.arn)));
    expect(valid.status).toBe(426);
    const unsigned = await emulator.fetch(
      new Request(`${ORIGIN}/?X-Amz-ChannelARN=${encodeURIComponent(demoCamera.arn)}`),
    );
    expect(await errorOf(unsigned)).toMatchObject({
      status: 403,
      code: "MissingAuthenticationTokenException",
    });
  });
});
