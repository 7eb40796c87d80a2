import { describe, expect, it } from "vitest";
import { isKvsError } from "../errors/kvs-error.ts";
import { proxyAccess, rtcIceServers } from "./session-access.ts";

const participant = {
  channelArn: "arn:aws:kinesisvideo:us-west-2:111122223333:channel/cam/1700000000000",
  region: "us-west-2",
  role: "VIEWER" as const,
  clientId: "phone-1",
};
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";

function proxy(...answers: Response[]) {
  const calls: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(new Request(input, init));
    return answers.shift() ?? new Response(null, { status: 500 });
  };
  return { calls, access: proxyAccess(participant, { origin: "https://proxy.test", token: TOKEN, fetch }) };
}

const signal = new AbortController().signal;

describe("proxyAccess", () => {
  it("asks the device session and joins with the device token, as a viewer", async () => {
    const session = {
      signalingUrl: "wss://m-1.kinesisvideo.us-west-2.amazonaws.com/?X-Amz-Signature=abc",
      iceServers: [
        { urls: ["stun:a"] },
        { urls: "not-a-list" },
        { urls: ["turn:b"], username: "u", credential: "p" },
      ],
    };
    const { calls, access } = proxy(Response.json(session), new Response(null, { status: 200 }));
    expect(await access.connect(signal)).toEqual({
      signalingUrl: session.signalingUrl,
      iceServers: [{ urls: ["stun:a"] }, { urls: ["turn:b"], username: "u", credential: "p" }],
    });
    await access.join(signal);
    expect(calls.map((call) => call.url)).toEqual([
      "https://proxy.test/v1/device-session",
      "https://proxy.test/joinStorageSessionAsViewer",
    ]);
    expect(calls.map((call) => call.headers.get("authorization"))).toEqual([
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
    ]);
    expect(await calls[0]?.json()).toEqual({
      channelArn: participant.channelArn,
      role: "VIEWER",
      clientId: "phone-1",
    });
    expect(await calls[1]?.json()).toEqual({ channelArn: participant.channelArn, clientId: "phone-1" });
  });

  it("turns the proxy's AWS-shaped refusals into KvsErrors without echoing the token", async () => {
    const refusal = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
      Response.json({ message }, { status, headers: { "x-amzn-ErrorType": type, ...headers } });
    const { access } = proxy(
      refusal(400, "ClientLimitExceededException", "The channel has reached its maximum number of viewers."),
      refusal(429, "ClientLimitExceededException", "Rate limit exceeded", { "Retry-After": "2" }),
      refusal(401, "NotAuthorizedException", `token ${TOKEN} is invalid`),
    );
    const errors = await Promise.all(
      [1, 2, 3].map(() => access.join(signal).catch((error: unknown) => error)),
    );
    expect(errors.map((error) => isKvsError(error) && error.code)).toEqual([
      "ViewerLimitExceeded",
      "ClientLimitExceededException",
      "NotAuthorizedException",
    ]);
    expect(errors[1]).toMatchObject({ retryable: true, retryAfterMs: 2000 });
    expect(errors[2]).toMatchObject({ retryable: false, status: 401 });
    expect(JSON.stringify(errors.map(String))).not.toContain(TOKEN);
  });

  it("refuses a device session without a ws(s) signaling URL", async () => {
    const { access } = proxy(Response.json({ signalingUrl: "https://elsewhere.test/", iceServers: [] }));
    await expect(access.connect(signal)).rejects.toThrow(
      "The proxy's device session has no ws(s) signalingUrl",
    );
  });
});

describe("rtcIceServers", () => {
  it("puts the region's STUN server first, in its partition's domain", () => {
    const turn = { uris: ["turns:t:443"], username: "u", password: "p" };
    expect(rtcIceServers("us-west-2", [turn])).toEqual([
      { urls: ["stun:stun.kinesisvideo.us-west-2.amazonaws.com:443"] },
      { urls: ["turns:t:443"], username: "u", credential: "p" },
    ]);
    expect(rtcIceServers("cn-north-1", [])).toEqual([
      { urls: ["stun:stun.kinesisvideo.cn-north-1.amazonaws.com.cn:443"] },
    ]);
  });
});
