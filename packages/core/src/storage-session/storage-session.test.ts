import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket, offerMessage, scriptedAccess } from "../../test/fake-signaling.ts";
import { systemRuntime } from "../client/options.ts";
import { isKvsError, KvsError } from "../errors/kvs-error.ts";
import type { SessionAccess } from "./session-access.ts";
import type { SessionEvents, StorageSession } from "./session-events.ts";
import { LiveStorageSession } from "./storage-session.ts";

const settings = { offerTimeoutMs: 6000, maxJoinAttempts: 5, WebSocket: FakeWebSocket };

function open(access: SessionAccess, signal?: AbortSignal) {
  const session: StorageSession = new LiveStorageSession(access, settings, systemRuntime, signal);
  const events: { type: string; detail: unknown }[] = [];
  for (const type of ["join", "reconnect", "icecandidate", "statusresponse", "close"] as const) {
    session.addEventListener(type, (event) => events.push({ type, detail: event.detail }));
  }
  const of = <K extends keyof SessionEvents>(type: K) =>
    events.filter((event) => event.type === type).map((event) => event.detail as SessionEvents[K]);
  return { session, events, of };
}

// settles a promise that may reject, so the fake clock can run on before it is inspected
const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  FakeWebSocket.reset();
});
afterEach(() => vi.useRealTimers());

describe("openStorageSession: the join loop", () => {
  it("opens signaling first, joins once, and hands over the offer that follows", async () => {
    const socketsAtJoin: number[] = [];
    const { access, joinsAtMs } = scriptedAccess("offer");
    const join = access.join;
    access.join = async (signal) => {
      socketsAtJoin.push(FakeWebSocket.opened.length);
      await join(signal);
    };
    const { session, of } = open(access);
    const offer = await session.nextOffer();
    expect(offer).toEqual({ type: "offer", sdp: "v=0\r\ns=1\r\n" });
    expect(socketsAtJoin).toEqual([1]);
    expect(of("join")).toEqual([{ attempt: 1, reason: "start" }]);
    expect(session.iceServers).toEqual([{ urls: ["stun:x"] }]);
    await vi.advanceTimersByTimeAsync(60 * 60_000 - 1);
    expect(joinsAtMs).toHaveLength(1);
    await session.close();
  });

  it("joins again after each offer timeout, never two joins in under offerTimeoutMs, then gives up", async () => {
    const { access, joinsAtMs } = scriptedAccess();
    const { session, of } = open(access);
    const outcome = settle(session.nextOffer());
    await vi.advanceTimersByTimeAsync(120_000);
    const { error } = (await outcome) as { error: KvsError };
    expect(isKvsError(error, "TimeoutError")).toBe(true);
    expect(error.message).toBe("No SDP offer from the storage session after 5 joins");
    expect(joinsAtMs).toHaveLength(5);
    const gaps = joinsAtMs.slice(1).map((at, i) => at - (joinsAtMs[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(6000);
    expect(of("join").map((join) => join.reason)).toEqual([
      "start",
      "no-offer",
      "no-offer",
      "no-offer",
      "no-offer",
    ]);
    expect(of("close")).toEqual([{ error }]);
    expect(FakeWebSocket.latest.closedWith).toBe(1000);
  });

  it("never joins more than twice in any 1.05 s, however short the offer timeout", async () => {
    const { access, joinsAtMs } = scriptedAccess("silence", "silence", "silence", "silence", "offer");
    const session: StorageSession = new LiveStorageSession(
      access,
      { ...settings, offerTimeoutMs: 100 },
      systemRuntime,
    );
    const offer = settle(session.nextOffer());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await offer).toHaveProperty("value.type", "offer");
    expect(joinsAtMs).toHaveLength(5);
    for (let i = 2; i < joinsAtMs.length; i++) {
      expect((joinsAtMs[i] ?? 0) - (joinsAtMs[i - 2] ?? 0)).toBeGreaterThanOrEqual(1050);
    }
    await session.close();
  });

  it("waits as long as a throttled join was told to, then joins again", async () => {
    const throttled = new KvsError("ClientLimitExceededException", {
      message: "slow down",
      retryAfterMs: 3000,
    });
    const { access, joinsAtMs } = scriptedAccess(throttled, "offer");
    const { session, of } = open(access);
    const offer = settle(session.nextOffer());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await offer).toHaveProperty("value.type", "offer");
    expect(joinsAtMs).toEqual([0, 3000]);
    expect(of("join").map((join) => join.reason)).toEqual(["start", "retry"]);
    await session.close();
  });

  it.each([
    ["a full viewer cap", new KvsError("ViewerLimitExceeded", { message: "maximum number of viewers" })],
    ["a channel without media storage", new KvsError("InvalidArgumentException", { message: "no storage" })],
    ["refused credentials", new KvsError("UnknownError", { message: "bad token", status: 401 })],
  ])("fails at once on %s, without joining again", async (_, refusal) => {
    const { access, joinsAtMs } = scriptedAccess(refusal);
    const { session, of } = open(access);
    await expect(session.nextOffer()).rejects.toBe(refusal);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(joinsAtMs).toHaveLength(1);
    expect(of("close")).toEqual([{ error: refusal }]);
    await expect(session.nextOffer()).rejects.toBe(refusal);
    expect(() => session.sendAnswer({ sdp: "v=0" })).toThrow(refusal);
  });

  it("joins again when the media session reaches AWS's one-hour limit, or when the caller asks", async () => {
    const { access, joinsAtMs } = scriptedAccess("offer", "offer", "offer");
    const { session, of } = open(access);
    await session.nextOffer();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(await session.nextOffer()).toHaveProperty("sdp", "v=0\r\ns=2\r\n");
    session.rejoin();
    expect(await session.nextOffer()).toHaveProperty("sdp", "v=0\r\ns=3\r\n");
    expect(joinsAtMs).toEqual([0, 3_600_000, 3_600_000]);
    expect(of("join").map((join) => join.reason)).toEqual(["start", "session-ended", "rejoin"]);
    await session.close();
  });

  it("keeps only the newest offer nobody has taken yet", async () => {
    const { access } = scriptedAccess("offer");
    const { session } = open(access);
    await vi.advanceTimersByTimeAsync(10);
    FakeWebSocket.latest.receive(offerMessage("v=0\r\ns=newer\r\n"));
    expect(await session.nextOffer()).toHaveProperty("sdp", "v=0\r\ns=newer\r\n");
    await session.close();
  });
});

describe("openStorageSession: joins that must not be repeated", () => {
  it("waits the offer timeout after a join with no answer: it may have reached AWS and its offer may come", async () => {
    const lost = new KvsError("TimeoutError", { message: "no answer" });
    const { access, joinsAtMs } = scriptedAccess(lost, "offer");
    const { session } = open(access);
    const offer = settle(session.nextOffer());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await offer).toHaveProperty("value.type", "offer");
    expect(joinsAtMs[1]).toBeGreaterThanOrEqual(6000);
    await session.close();
  });

  it("sends no join once an offer arrives while it waits for its pace", async () => {
    const { access, joinsAtMs } = scriptedAccess("silence", "silence");
    const session = new LiveStorageSession(access, { ...settings, offerTimeoutMs: 100 }, systemRuntime);
    const offer = session.nextOffer();
    await vi.advanceTimersByTimeAsync(600);
    expect(joinsAtMs).toHaveLength(2);
    FakeWebSocket.latest.receive(offerMessage("v=0\r\ns=late\r\n"));
    await vi.advanceTimersByTimeAsync(5000);
    expect(await offer).toHaveProperty("sdp", "v=0\r\ns=late\r\n");
    expect(joinsAtMs).toHaveLength(2);
    await session.close();
  });

  it("ignores offers and candidates from anyone with a client id: only the storage session's count", async () => {
    const { access, joinsAtMs } = scriptedAccess("silence", "offer");
    const { session, of } = open(access);
    const offer = session.nextOffer();
    await vi.advanceTimersByTimeAsync(10);
    FakeWebSocket.latest.receive({ ...offerMessage("v=0\r\ns=intruder\r\n"), senderClientId: "viewer-9" });
    const candidate = btoa(JSON.stringify({ candidate: "candidate:9 1 udp 1 6.6.6.6 9 typ host" }));
    FakeWebSocket.latest.receive({
      messageType: "ICE_CANDIDATE",
      messagePayload: candidate,
      senderClientId: "viewer-9",
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await offer).toHaveProperty("sdp", "v=0\r\ns=2\r\n");
    expect(joinsAtMs).toHaveLength(2);
    expect(of("icecandidate")).toEqual([]);
    await session.close();
  });
});

describe("openStorageSession: stopping", () => {
  it("stops everything when the caller's signal aborts: no more joins, signaling closed, AbortError", async () => {
    const { access, joinsAtMs } = scriptedAccess();
    const controller = new AbortController();
    const { session, of } = open(access, controller.signal);
    const pending = settle(session.nextOffer());
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort(new Error("user left"));
    const { error } = (await pending) as { error: KvsError };
    expect(isKvsError(error, "AbortError")).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(joinsAtMs).toHaveLength(1);
    expect(FakeWebSocket.latest.closedWith).toBe(1000);
    expect(of("close")).toEqual([{ error }]);
  });

  it("lets go of the caller's signal once closed, and leaves no timer behind", async () => {
    const { access } = scriptedAccess();
    const signal = new AbortController().signal;
    const removed = vi.spyOn(signal, "removeEventListener");
    const { session } = open(access, signal);
    await vi.advanceTimersByTimeAsync(100);
    await session.close();
    expect(removed).toHaveBeenCalledWith("abort", expect.any(Function));
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails, instead of spinning, when its runtime's sleep fails", async () => {
    const { access, joinsAtMs } = scriptedAccess();
    const broken = { ...systemRuntime, sleep: () => Promise.reject(new Error("no timers here")) };
    const session = new LiveStorageSession(access, settings, broken);
    await expect(session.nextOffer()).rejects.toHaveProperty("cause.message", "no timers here");
    expect(joinsAtMs).toHaveLength(1);
  });

  it("close() rejects pending offers with an AbortError and reports a close without an error", async () => {
    const { access } = scriptedAccess();
    const { session, of } = open(access);
    const pending = settle(session.nextOffer());
    await vi.advanceTimersByTimeAsync(100);
    await session.close();
    expect(await pending).toHaveProperty("error.code", "AbortError");
    expect(of("close")).toEqual([{}]);
    expect(FakeWebSocket.opened.every((socket) => socket.closedWith === 1000)).toBe(true);
  });
});
