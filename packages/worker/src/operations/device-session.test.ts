import { describe, it, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { CHANNELS } from "../../test/support/tenants.ts";
import { post, testEnv } from "../../test/support/worker.ts";

const NOW = Date.UTC(2030, 0, 1, 12);
let upstream: FakeUpstream;
let key: string;

interface DeviceSession {
  signalingUrl: string;
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  expiresAt: string;
}

frozenProxy(NOW, (fake, tenantKey) => {
  upstream = fake;
  key = tenantKey;
});

describe("POST /v1/device-session", () => {
  it("returns a presigned ConnectAsViewer URL for the channel's WSS endpoint and its ICE servers", async ({
    expect,
  }) => {
    const body = { channelArn: CHANNELS.demoCamera, role: "VIEWER", clientId: "phone-1" };
    const response = await post(testEnv(), "/v1/device-session", body, key);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("RateLimit-Policy")).toBe('"channel";q=3;w=1');
    const session = (await response.json()) as DeviceSession;
    const url = new URL(session.signalingUrl);
    expect(url.origin).toBe("wss://m-fake.kinesisvideo.us-west-2.amazonaws.com");
    expect(url.searchParams.get("X-Amz-ChannelARN")).toBe(CHANNELS.demoCamera);
    expect(url.searchParams.get("X-Amz-ClientId")).toBe("phone-1");
    expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(
      /^AKIAEMULATOROPERATOR\/20300101\/us-west-2\/kinesisvideo\//,
    );
    expect(Number(url.searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(300);
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(session.iceServers).toEqual([
      { urls: ["stun:stun.kinesisvideo.us-west-2.amazonaws.com:443"] },
      { urls: ["turn:turn.example:443"], username: "u", credential: "turn-password" },
    ]);
    expect(session.expiresAt).toBe(new Date(NOW + 300_000).toISOString());
    // one discovery serves both the signaling URL and the ICE lookup
    const [discovery, ...more] = upstream.callsTo("/getSignalingChannelEndpoint");
    expect(more).toHaveLength(0);
    expect(JSON.parse(discovery?.body ?? "{}")).toMatchObject({
      SingleMasterChannelEndpointConfiguration: { Role: "VIEWER" },
    });
  });

  it("omits the client id for a master and caches ICE servers until their TTL", async ({ expect }) => {
    const bindings = testEnv({ DEVICE_SESSION_LIMIT_PER_SECOND: "100" });
    const body = { channelArn: CHANNELS.demoCamera2, role: "MASTER" };
    const first = (await (await post(bindings, "/v1/device-session", body, key)).json()) as DeviceSession;
    expect(new URL(first.signalingUrl).searchParams.has("X-Amz-ClientId")).toBe(false);
    await post(bindings, "/v1/device-session", body, key);
    expect(upstream.callsTo("/v1/get-ice-server-config")).toHaveLength(1);
    vi.setSystemTime(NOW + 241_000);
    const late = (await (await post(bindings, "/v1/device-session", body, key)).json()) as DeviceSession;
    expect(upstream.callsTo("/v1/get-ice-server-config")).toHaveLength(2);
    expect(late.expiresAt).toBe(new Date(NOW + 241_000 + 300_000).toISOString());
  });

  it("answers expiresAt as the earlier of the URL's and the ICE credentials' expiry", async ({ expect }) => {
    upstream.answer("/v1/get-ice-server-config", () =>
      Response.json({ IceServerList: [{ Uris: ["turn:t:443"], Username: "u", Password: "p", Ttl: 120 }] }),
    );
    const body = { channelArn: CHANNELS.demoCamera, role: "MASTER" };
    const session = (await (await post(testEnv(), "/v1/device-session", body, key)).json()) as DeviceSession;
    expect(session.expiresAt).toBe(new Date(NOW + 120_000).toISOString());
  });

  it("maps upstream failures like the joins do", async ({ expect }) => {
    upstream.answer("/getSignalingChannelEndpoint", () =>
      Response.json(
        { message: "nope" },
        { status: 404, headers: { "x-amzn-ErrorType": "ResourceNotFoundException" } },
      ),
    );
    const body = { channelArn: CHANNELS.demoCamera, role: "MASTER" };
    const response = await post(testEnv(), "/v1/device-session", body, key);
    expect(response.status).toBe(404);
    expect(response.headers.get("x-amzn-ErrorType")).toBe("ResourceNotFoundException");
  });
});
