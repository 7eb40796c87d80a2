import { describe, expect, it } from "vitest";
import {
  CHANNEL_ARN,
  CONTROL_PLANE,
  CREDENTIALS,
  endpointsAnswer,
  joined,
  manualRuntime,
  scriptedFetch,
  WEBRTC,
} from "../../test/scripted-aws.ts";
import { isKvsError, KvsError } from "../errors/kvs-error.ts";
import { createClientWithRuntime } from "./create-client.ts";

describe("createClient: operations", () => {
  it("discovers the WEBRTC endpoint once, then joins there with only its own headers signed", async () => {
    const aws = scriptedFetch(
      () => endpointsAnswer(),
      () => joined("r-1"),
      () => joined("r-2"),
    );
    const { runtime } = manualRuntime();
    const kvs = createClientWithRuntime({ credentials: CREDENTIALS, fetch: aws.fetch }, runtime);

    expect(await kvs.joinStorageSession({ channelArn: CHANNEL_ARN })).toEqual({ requestId: "r-1" });
    expect(await kvs.joinStorageSession({ channelArn: CHANNEL_ARN })).toEqual({ requestId: "r-2" });

    const [discovery, join] = aws.calls;
    expect(discovery?.url).toBe(`${CONTROL_PLANE}/getSignalingChannelEndpoint`);
    expect(JSON.parse(discovery?.body ?? "")).toEqual({
      ChannelARN: CHANNEL_ARN,
      SingleMasterChannelEndpointConfiguration: { Protocols: ["WEBRTC"], Role: "MASTER" },
    });
    expect(join?.url).toBe(`${WEBRTC}/joinStorageSession`);
    expect(join?.body).toBe(JSON.stringify({ channelArn: CHANNEL_ARN }));
    expect([...(join?.headers.keys() ?? [])].sort()).toEqual(["authorization", "content-type", "x-amz-date"]);
    expect(join?.headers.get("authorization")).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIATESTKEY\/20261122\/us-west-2\/kinesisvideo\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(aws.calls).toHaveLength(3);
  });

  it("passes on a KvsError its fetch throws as it is, and keeps the endpoint it discovered", async () => {
    const refusal = new KvsError("ServiceUnavailable", { message: "not sent by the gate" });
    const aws = scriptedFetch(
      () => endpointsAnswer(),
      () => {
        throw refusal;
      },
      () => joined("r-2"),
    );
    const { runtime } = manualRuntime();
    const kvs = createClientWithRuntime(
      { credentials: CREDENTIALS, fetch: aws.fetch, maxAttempts: 1 },
      runtime,
    );
    expect(await kvs.joinStorageSession({ channelArn: CHANNEL_ARN }).catch((e: unknown) => e)).toBe(refusal);
    expect(await kvs.joinStorageSession({ channelArn: CHANNEL_ARN })).toEqual({ requestId: "r-2" });
    // discovery once: the refusal did not make the endpoint look stale, as a network error would
    expect(aws.calls.map((call) => new URL(call.url).pathname)).toEqual([
      "/getSignalingChannelEndpoint",
      "/joinStorageSession",
      "/joinStorageSession",
    ]);
  });

  it("rediscovers after the endpoint TTL and discovers viewers with the VIEWER role", async () => {
    const aws = scriptedFetch(
      () => endpointsAnswer(),
      () => joined(),
      () => endpointsAnswer(),
      () => joined(),
    );
    const { runtime, advance } = manualRuntime();
    const kvs = createClientWithRuntime(
      { credentials: CREDENTIALS, fetch: aws.fetch, endpointCacheTtlMs: 1000 },
      runtime,
    );
    await kvs.joinStorageSessionAsViewer({ channelArn: CHANNEL_ARN, clientId: "viewer-1" });
    advance(1001);
    await kvs.joinStorageSessionAsViewer({ channelArn: CHANNEL_ARN, clientId: "viewer-1" });
    expect(aws.calls.map((c) => new URL(c.url).pathname)).toEqual([
      "/getSignalingChannelEndpoint",
      "/joinStorageSessionAsViewer",
      "/getSignalingChannelEndpoint",
      "/joinStorageSessionAsViewer",
    ]);
    expect(JSON.parse(aws.calls[0]?.body ?? "").SingleMasterChannelEndpointConfiguration.Role).toBe("VIEWER");
    expect(JSON.parse(aws.calls[1]?.body ?? "")).toEqual({ channelArn: CHANNEL_ARN, clientId: "viewer-1" });
  });

  it("skips discovery when an endpoint is configured and signs for the ARN's region", async () => {
    const aws = scriptedFetch(() => joined());
    const kvs = createClientWithRuntime(
      { credentials: CREDENTIALS, fetch: aws.fetch, endpoint: "http://127.0.0.1:8790" },
      manualRuntime().runtime,
    );
    await kvs.joinStorageSession({ channelArn: CHANNEL_ARN.replace("us-west-2", "eu-west-1") });
    expect(aws.calls[0]?.url).toBe("http://127.0.0.1:8790/joinStorageSession");
    expect(aws.calls[0]?.headers.get("authorization")).toContain("/eu-west-1/kinesisvideo/");
  });

  it("validates input before any network call, naming each field", async () => {
    const aws = scriptedFetch();
    const kvs = createClientWithRuntime(
      { credentials: CREDENTIALS, fetch: aws.fetch },
      manualRuntime().runtime,
    );
    const failure = await kvs
      .joinStorageSessionAsViewer({ channelArn: "arn:nope", clientId: "has space" })
      .catch((e: unknown) => e);
    expect(isKvsError(failure, "InvalidArgumentException") && failure.issues.map((i) => i.path)).toEqual([
      "channelArn",
      "clientId",
    ]);
    const protocols = await kvs
      .getSignalingChannelEndpoint({ channelArn: CHANNEL_ARN, protocols: ["WSS", "WSS"], role: "MASTER" })
      .catch((e: unknown) => e);
    expect(isKvsError(protocols) && protocols.message).toBe(
      "Invalid input: protocols must not repeat a protocol",
    );
    expect(aws.calls).toHaveLength(0);
  });

  it("refuses discovered endpoints on untrusted hosts without sending the join", async () => {
    for (const evil of [
      "https://evil.example.com",
      "https://user:pw@w-1.kinesisvideo.us-west-2.amazonaws.com",
      "http://w-1.kinesisvideo.us-west-2.amazonaws.com",
    ]) {
      const aws = scriptedFetch(() => endpointsAnswer({ WEBRTC: evil }));
      const kvs = createClientWithRuntime(
        { credentials: CREDENTIALS, fetch: aws.fetch },
        manualRuntime().runtime,
      );
      const failure = await kvs.joinStorageSession({ channelArn: CHANNEL_ARN }).catch((e: unknown) => e);
      expect(isKvsError(failure, "UntrustedEndpoint")).toBe(true);
      expect(aws.calls).toHaveLength(1);
    }
  });

  it("trusts the emulator's origin when the control plane is the emulator", async () => {
    const emulator = "http://127.0.0.1:8790";
    const aws = scriptedFetch(() => endpointsAnswer({ WSS: "ws://127.0.0.1:8790", HTTPS: emulator }));
    const kvs = createClientWithRuntime(
      { credentials: CREDENTIALS, fetch: aws.fetch, controlPlaneEndpoint: emulator },
      manualRuntime().runtime,
    );
    const endpoints = await kvs.getSignalingChannelEndpoint({
      channelArn: CHANNEL_ARN,
      protocols: ["WSS", "HTTPS"],
      role: "VIEWER",
    });
    expect(endpoints).toEqual({ WSS: "ws://127.0.0.1:8790", HTTPS: emulator });
  });

  it("fetches ICE servers from the HTTPS endpoint", async () => {
    const https = "https://r-1.kinesisvideo.us-west-2.amazonaws.com";
    const aws = scriptedFetch(
      () => endpointsAnswer({ HTTPS: https }),
      () =>
        Response.json({
          IceServerList: [{ Uris: ["turn:1.2.3.4:443"], Username: "u", Password: "p", Ttl: 300 }],
        }),
    );
    const kvs = createClientWithRuntime(
      { credentials: CREDENTIALS, fetch: aws.fetch },
      manualRuntime().runtime,
    );
    const { iceServers } = await kvs.getIceServerConfig({ channelArn: CHANNEL_ARN, clientId: "viewer-1" });
    expect(iceServers).toEqual([{ uris: ["turn:1.2.3.4:443"], username: "u", password: "p", ttl: 300 }]);
    expect(aws.calls[1]?.url).toBe(`${https}/v1/get-ice-server-config`);
    expect(JSON.parse(aws.calls[1]?.body ?? "")).toEqual({
      ChannelARN: CHANNEL_ARN,
      ClientId: "viewer-1",
      Service: "TURN",
    });
  });

  it("refreshes provider credentials before they expire, never mid-call", async () => {
    const aws = scriptedFetch(
      () => endpointsAnswer(),
      () => joined(),
      () => joined(),
    );
    const { runtime, advance } = manualRuntime();
    let issued = 0;
    const provider = async () => ({
      accessKeyId: `ASIAKEY${++issued}`,
      secretAccessKey: "s",
      sessionToken: `token-${issued}`,
      expiration: new Date(runtime.now() + 15 * 60_000),
    });
    const kvs = createClientWithRuntime(
      { credentials: provider, fetch: aws.fetch, endpointCacheTtlMs: 3_600_000 },
      runtime,
    );
    await kvs.joinStorageSession({ channelArn: CHANNEL_ARN });
    advance(11 * 60_000);
    await kvs.joinStorageSession({ channelArn: CHANNEL_ARN });
    expect(aws.calls.map((c) => c.headers.get("x-amz-security-token"))).toEqual([
      "token-1",
      "token-1",
      "token-2",
    ]);
  });
});
