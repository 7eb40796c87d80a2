import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket, offerMessage, scriptedAccess } from "../../test/fake-signaling.ts";
import { systemRuntime } from "../client/options.ts";
import { KvsError } from "../errors/kvs-error.ts";
import type { SessionAccess } from "./session-access.ts";
import type { StorageSession } from "./session-events.ts";
import { LiveStorageSession } from "./storage-session.ts";

const settings = { offerTimeoutMs: 6000, maxJoinAttempts: 5, WebSocket: FakeWebSocket };

function open(access: SessionAccess, WebSocket = FakeWebSocket) {
  const session: StorageSession = new LiveStorageSession(access, { ...settings, WebSocket }, systemRuntime);
  const events: { type: string; detail: unknown }[] = [];
  for (const type of ["join", "reconnect", "icecandidate", "statusresponse", "close"] as const) {
    session.addEventListener(type, (event) => events.push({ type, detail: event.detail }));
  }
  return { session, events };
}

const decoded = (text: string | undefined) => {
  const message = JSON.parse(text ?? "{}") as { messagePayload: string };
  const utf8 = new TextDecoder().decode(
    Uint8Array.from(atob(message.messagePayload), (c) => c.charCodeAt(0)),
  );
  return { ...message, messagePayload: JSON.parse(utf8) as unknown };
};

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  FakeWebSocket.reset();
});
afterEach(() => vi.useRealTimers());

describe("openStorageSession: signaling", () => {
  it.each([
    ["GO_AWAY", { messageType: "GO_AWAY" }, { reason: "go-away" }],
    ["RECONNECT_ICE_SERVER", { messageType: "RECONNECT_ICE_SERVER" }, { reason: "reconnect-ice-server" }],
  ])("reconnects on %s without joining again once the offer is in", async (_, message, reconnect) => {
    const { access, joinsAtMs, connectsAtMs } = scriptedAccess("offer");
    const { session, events } = open(access);
    await session.nextOffer();
    const first = FakeWebSocket.latest;
    first.receive(message);
    // a connection this young is reconnected after a short backoff
    await vi.advanceTimersByTimeAsync(1000);
    expect(first.closedWith).toBe(1000);
    expect(FakeWebSocket.opened).toHaveLength(2);
    expect(connectsAtMs).toHaveLength(2);
    expect(joinsAtMs).toHaveLength(1);
    expect(events.filter((event) => event.type === "reconnect")).toEqual([
      { type: "reconnect", detail: reconnect },
    ]);
    await session.close();
  });

  it("joins again for a rejoin asked while signaling reconnects", async () => {
    const { access, joinsAtMs } = scriptedAccess("offer", "offer");
    const { session, events } = open(access);
    await session.nextOffer();
    FakeWebSocket.latest.receive({ messageType: "GO_AWAY" });
    session.rejoin();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await session.nextOffer()).toHaveProperty("sdp", "v=0\r\ns=2\r\n");
    expect(joinsAtMs).toHaveLength(2);
    expect(events.at(-1)).toEqual({ type: "join", detail: { attempt: 1, reason: "rejoin" } });
    await session.close();
  });

  it("reconnects when KVS closes an idle connection, and joins again if the offer had not come yet", async () => {
    const { access, joinsAtMs } = scriptedAccess("silence", "offer");
    const { session, events } = open(access);
    const offer = session.nextOffer();
    await vi.advanceTimersByTimeAsync(5500);
    FakeWebSocket.latest.serverClose(1000);
    await vi.advanceTimersByTimeAsync(10);
    await offer;
    expect(joinsAtMs).toEqual([0, 5500]);
    expect(events.map((event) => event.type)).toEqual(["join", "reconnect", "join"]);
    expect(events[2]?.detail).toEqual({ attempt: 2, reason: "reconnect" });
    await session.close();
  });

  it("backs off when signaling keeps closing right after it opens, and fails after maxJoinAttempts", async () => {
    class ClosingWebSocket extends FakeWebSocket {
      constructor(url: string) {
        super(url);
        // after the open the base class fires on the next tick
        queueMicrotask(() => queueMicrotask(() => this.serverClose(1011)));
      }
    }
    const { access } = scriptedAccess();
    const { session } = open(access, ClosingWebSocket);
    const outcome = session.nextOffer().catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await outcome).toHaveProperty("message", "Signaling closed 5 times right after opening");
    expect(FakeWebSocket.opened).toHaveLength(5);
  });

  it("retries a refused connect with backoff, and fails on a connect error that cannot pass", async () => {
    FakeWebSocket.refuseNext = 2;
    const { access, connectsAtMs } = scriptedAccess("offer");
    const { session } = open(access);
    const offer = session.nextOffer();
    await vi.advanceTimersByTimeAsync(10_000);
    await offer;
    expect(connectsAtMs).toHaveLength(3);
    await session.close();

    // the URL is presigned: a failure names its host, never its signature or credential scope
    const refusedConnects = FakeWebSocket.opened.slice(0, 2).map((socket) => socket.url);
    expect(refusedConnects).toHaveLength(2);
    FakeWebSocket.refuseNext = 5;
    const secretUrl = "wss://signaling.test/?X-Amz-Credential=AKIASECRET&X-Amz-Signature=feedface";
    const flapping = open({
      connect: async () => ({ signalingUrl: secretUrl, iceServers: [] }),
      join: async () => {},
    });
    const failure = flapping.session.nextOffer().catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(String(await failure)).toBe(
      "NetworkError: The signaling connection to signaling.test was refused or lost (1006)",
    );

    const denied = new KvsError("AccessDeniedException", { message: "no" });
    const refused = open({ connect: () => Promise.reject(denied), join: async () => {} });
    await expect(refused.session.nextOffer()).rejects.toBe(denied);
  });

  it("sends answers and candidates as KVS expects, queued while signaling reconnects", async () => {
    const { access } = scriptedAccess("offer");
    const { session } = open(access);
    await session.nextOffer();
    session.sendAnswer({ sdp: "v=0\r\na=ü\r\n" }, { correlationId: "c-1" });
    FakeWebSocket.latest.receive({ messageType: "GO_AWAY" });
    const candidate = { candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    session.sendIceCandidate({ toJSON: () => candidate });
    expect(FakeWebSocket.opened[0]?.sent.map(decoded)).toEqual([
      {
        action: "SDP_ANSWER",
        messagePayload: { type: "answer", sdp: "v=0\r\na=ü\r\n" },
        correlationId: "c-1",
      },
    ]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeWebSocket.latest.sent.map(decoded)).toEqual([
      { action: "ICE_CANDIDATE", messagePayload: candidate },
    ]);
    await session.close();
  });

  it("reports the storage session's ICE candidates and KVS's status responses as events", async () => {
    const { access } = scriptedAccess("offer");
    const { session, events } = open(access);
    await session.nextOffer();
    const candidate = { candidate: "candidate:2 1 udp 1 5.6.7.8 9 typ srflx", sdpMid: "1", sdpMLineIndex: 1 };
    FakeWebSocket.latest.receive({
      messageType: "ICE_CANDIDATE",
      messagePayload: btoa(JSON.stringify(candidate)),
    });
    const statusResponse = {
      correlationId: "c-1",
      errorType: "InvalidArgumentException",
      statusCode: "400",
      description: "bad",
    };
    FakeWebSocket.latest.receive({ messageType: "STATUS_RESPONSE", statusResponse });
    FakeWebSocket.latest.receive("not json");
    FakeWebSocket.latest.receive(offerMessage("v=0\r\ns=again\r\n"));
    expect(events.filter((event) => event.type !== "join")).toEqual([
      { type: "icecandidate", detail: candidate },
      { type: "statusresponse", detail: statusResponse },
    ]);
    expect(await session.nextOffer()).toHaveProperty("sdp", "v=0\r\ns=again\r\n");
    await session.close();
  });
});
