import { describe, it } from "vitest";
import { errorOf, signedPost } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { createEmulator } from "./create-emulator.ts";

const { demoCamera, noStorageCamera, otherCamera } = DEMO_CHANNELS;
const emulator = () => createEmulator({ now: () => DEMO_NOW });
const endpointsBody = (channelArn: string, Protocols: string[], Role = "MASTER") => ({
  ChannelARN: channelArn,
  SingleMasterChannelEndpointConfiguration: { Protocols, Role },
});

describe("GetSignalingChannelEndpoint", () => {
  it("returns only the requested protocols, pointing back at the request's origin", async ({ expect }) => {
    const response = await emulator().fetch(
      await signedPost("/getSignalingChannelEndpoint", endpointsBody(demoCamera.arn, ["WEBRTC", "WSS"])),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      ResourceEndpointList: [
        { Protocol: "WEBRTC", ResourceEndpoint: "http://emulator.test" },
        { Protocol: "WSS", ResourceEndpoint: "ws://emulator.test" },
      ],
    });
  });

  it("uses endpointOrigin when given", async ({ expect }) => {
    const custom = createEmulator({ now: () => DEMO_NOW, endpointOrigin: "https://kvs.example:8443" });
    const response = await custom.fetch(
      await signedPost(
        "/getSignalingChannelEndpoint",
        endpointsBody(demoCamera.arn, ["WSS", "HTTPS"], "VIEWER"),
      ),
    );
    expect(await response.json()).toEqual({
      ResourceEndpointList: [
        { Protocol: "WSS", ResourceEndpoint: "wss://kvs.example:8443" },
        { Protocol: "HTTPS", ResourceEndpoint: "https://kvs.example:8443" },
      ],
    });
  });

  it("refuses WEBRTC for a channel without media storage", async ({ expect }) => {
    const response = await emulator().fetch(
      await signedPost("/getSignalingChannelEndpoint", endpointsBody(noStorageCamera.arn, ["WEBRTC"])),
    );
    expect(await errorOf(response)).toMatchObject({
      status: 400,
      code: "InvalidArgumentException",
      body: { Message: expect.any(String) },
    });
  });

  it("validates the role and protocols like the service model", async ({ expect }) => {
    const response = await emulator().fetch(
      await signedPost("/getSignalingChannelEndpoint", endpointsBody(demoCamera.arn, ["FTP"], "ADMIN")),
    );
    const error = await errorOf(response);
    expect(error).toMatchObject({ status: 400, code: "InvalidArgumentException" });
    expect(error.body).toEqual({ Message: expect.stringMatching(/^2 validation errors detected: /) });
  });
});

describe("DescribeSignalingChannel", () => {
  it("describes a channel found by ARN or by name", async ({ expect }) => {
    const expected = {
      ChannelInfo: {
        ChannelName: "demo-camera",
        ChannelARN: demoCamera.arn,
        ChannelType: "SINGLE_MASTER",
        ChannelStatus: "ACTIVE",
        CreationTime: 1_700_000_000,
        SingleMasterConfiguration: { MessageTtlSeconds: 60 },
        Version: expect.stringMatching(/^[A-Za-z0-9]{1,20}$/),
      },
    };
    for (const body of [{ ChannelARN: demoCamera.arn }, { ChannelName: "demo-camera" }]) {
      const response = await emulator().fetch(await signedPost("/describeSignalingChannel", body));
      expect(await response.json()).toEqual(expected);
    }
  });

  it("admits 5 calls per channel per second, by ARN or by name alike, then throttles", async ({ expect }) => {
    const kvs = emulator();
    const bodies = [{ ChannelARN: demoCamera.arn }, { ChannelName: "demo-camera" }];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const body = bodies[i % 2] ?? {};
      statuses.push((await kvs.fetch(await signedPost("/describeSignalingChannel", body))).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 400]);
    const other = await kvs.fetch(
      await signedPost("/describeMediaStorageConfiguration", { ChannelARN: demoCamera.arn }),
    );
    expect(other.status).toBe(200);
  });

  it("signs a lookup by name for the channel's own region", async ({ expect }) => {
    const request = await signedPost(
      "/describeSignalingChannel",
      { ChannelName: otherCamera.name },
      { region: "eu-west-1" },
    );
    expect((await emulator().fetch(request)).status).toBe(200);
  });

  it("answers ResourceNotFoundException, InvalidArgumentException and SerializationException", async ({
    expect,
  }) => {
    const unknown = await emulator().fetch(
      await signedPost("/describeSignalingChannel", { ChannelName: "nope" }),
    );
    expect(await errorOf(unknown)).toMatchObject({
      status: 404,
      code: "ResourceNotFoundException",
      body: { Message: "The requested channel is not found or not active." },
    });
    const malformed = await emulator().fetch(
      await signedPost("/describeSignalingChannel", { ChannelARN: "arn:nope" }),
    );
    expect(await errorOf(malformed)).toMatchObject({ status: 400, code: "InvalidArgumentException" });
    const neither = await emulator().fetch(await signedPost("/describeSignalingChannel", {}));
    expect(await errorOf(neither)).toMatchObject({ status: 400, code: "InvalidArgumentException" });
    for (const body of ["{not json", "[1]", '{"ChannelName": 5}']) {
      const response = await emulator().fetch(await signedPost("/describeSignalingChannel", body));
      expect(await errorOf(response)).toMatchObject({ status: 400, code: "SerializationException" });
    }
  });
});

describe("DescribeMediaStorageConfiguration", () => {
  it("reports ENABLED with the stream ARN, or DISABLED", async ({ expect }) => {
    const enabled = await emulator().fetch(
      await signedPost("/describeMediaStorageConfiguration", { ChannelARN: demoCamera.arn }),
    );
    expect(await enabled.json()).toEqual({
      MediaStorageConfiguration: {
        Status: "ENABLED",
        StreamARN: "arn:aws:kinesisvideo:us-west-2:111122223333:stream/demo-camera/1700000000000",
      },
    });
    const disabled = await emulator().fetch(
      await signedPost("/describeMediaStorageConfiguration", { ChannelName: noStorageCamera.name }),
    );
    expect(await disabled.json()).toEqual({ MediaStorageConfiguration: { Status: "DISABLED" } });
  });
});

describe("unknown operations", () => {
  it("answers 404 UnknownOperationException", async ({ expect }) => {
    const response = await emulator().fetch(await signedPost("/createSignalingChannel", {}));
    expect(await errorOf(response)).toMatchObject({ status: 404, code: "UnknownOperationException" });
  });
});
