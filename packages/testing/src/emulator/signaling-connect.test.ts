import { describe, it, vi } from "vitest";
import { errorOf, ORIGIN, presignConnect } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_CREDENTIALS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { createEmulator } from "./create-emulator.ts";
import type { SignalingSocket } from "./signaling-sockets.ts";

const { demoCamera } = DEMO_CHANNELS;
function silentSocket(): SignalingSocket & { readonly closedWith: () => number | undefined } {
  let closedWith: number | undefined;
  return {
    send: () => {},
    close: (code) => {
      closedWith = code;
    },
    closedWith: () => closedWith,
  };
}

// a viewer connected to the demo camera, with what it was sent and its connection's hooks
async function openViewer(emulator: ReturnType<typeof createEmulator>, clientId: string) {
  const upgrade = await emulator.connectSignaling(
    new Request(await presignConnect(ORIGIN, demoCamera.arn, { clientId })),
  );
  if (!upgrade.ok) throw new Error("refused");
  const sent: string[] = [];
  const socket = { ...silentSocket(), send: (data: string) => void sent.push(data) };
  return { socket, sent, connection: upgrade.accept(socket) };
}

async function connect(url: string, now = DEMO_NOW) {
  return createEmulator({ now: () => now }).connectSignaling(new Request(url));
}

describe("ConnectAsMaster / ConnectAsViewer", () => {
  it("accepts a valid presigned URL, with or without a session token", async ({ expect }) => {
    for (const credentials of [DEMO_CREDENTIALS.operator, DEMO_CREDENTIALS.session]) {
      const master = await connect(await presignConnect(ORIGIN, demoCamera.arn, { credentials }));
      expect(master).toMatchObject({ ok: true, peer: { role: "master", channelArn: demoCamera.arn } });
      const viewer = await connect(
        await presignConnect(ORIGIN, demoCamera.arn, { credentials, clientId: "v-1" }),
      );
      expect(viewer).toMatchObject({ ok: true, peer: { role: "viewer", clientId: "v-1" } });
    }
  });

  it("refuses an expired URL, a wrong signature, or a header signature with 403", async ({ expect }) => {
    const url = await presignConnect(ORIGIN, demoCamera.arn, { expiresSeconds: 60 });
    const expired = await connect(url, DEMO_NOW + 61_000);
    const forged = new URL(url);
    forged.searchParams.set("X-Amz-Signature", "0".repeat(64));
    const tampered = new URL(url);
    tampered.searchParams.set("X-Amz-ClientId", "sneaky");
    const cases = [
      [expired, "InvalidSignatureException"],
      [await connect(forged.toString()), "InvalidSignatureException"],
      [await connect(tampered.toString()), "InvalidSignatureException"],
      [
        await connect(`${ORIGIN}/?X-Amz-ChannelARN=${encodeURIComponent(demoCamera.arn)}`),
        "MissingAuthenticationTokenException",
      ],
    ] as const;
    for (const [upgrade, code] of cases) {
      if (upgrade.ok) throw new Error("expected a refusal");
      expect(await errorOf(upgrade.response)).toMatchObject({
        status: 403,
        code,
        body: { Message: expect.any(String) },
      });
    }
  });

  it("refuses bad arguments with 400 and an unknown channel with 404", async ({ expect }) => {
    const badArn = await connect(
      await presignConnect(ORIGIN, "arn:aws:kinesisvideo:us-west-2:111122223333:nope"),
    );
    const badClient = await connect(await presignConnect(ORIGIN, demoCamera.arn, { clientId: "a b" }));
    const unknown = await connect(await presignConnect(ORIGIN, `${demoCamera.arn}0`));
    for (const [upgrade, status] of [
      [badArn, 400],
      [badClient, 400],
      [unknown, 404],
    ] as const) {
      if (upgrade.ok) throw new Error("expected a refusal");
      expect(upgrade.response.status).toBe(status);
    }
  });

  it("refuses a second master while the first is connected, and admits one after it leaves", async ({
    expect,
  }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    const url = await presignConnect(ORIGIN, demoCamera.arn);
    const first = await emulator.connectSignaling(new Request(url));
    if (!first.ok) throw new Error("first master refused");
    const connection = first.accept(silentSocket());
    const second = await emulator.connectSignaling(new Request(url));
    expect(second.ok ? 101 : second.response.status).toBe(403);
    connection.closed();
    expect((await emulator.connectSignaling(new Request(url))).ok).toBe(true);
    expect(emulator.calls().map((call) => call.status)).toEqual([101, 403, 101]);
  });

  it("closes every socket when the emulator closes", async ({ expect }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    const upgrade = await emulator.connectSignaling(
      new Request(await presignConnect(ORIGIN, demoCamera.arn)),
    );
    if (!upgrade.ok) throw new Error("refused");
    const socket = silentSocket();
    upgrade.accept(socket);
    emulator.close();
    expect(socket.closedWith()).toBe(1001);
  });
});

describe("signaling connects and lifetimes, as KVS limits them", () => {
  it("throttles a fourth connect in a second per channel and role with ClientLimitExceededException", async ({
    expect,
  }) => {
    let now = DEMO_NOW;
    const emulator = createEmulator({ now: () => now });
    const attempt = async (clientId?: string) =>
      emulator.connectSignaling(
        new Request(await presignConnect(ORIGIN, demoCamera.arn, clientId === undefined ? {} : { clientId })),
      );
    const viewers = [];
    for (const id of ["v1", "v2", "v3", "v4"]) viewers.push(await attempt(id));
    expect(viewers.map((upgrade) => upgrade.ok)).toEqual([true, true, true, false]);
    const refused = viewers[3];
    if (refused === undefined || refused.ok) throw new Error("expected a refusal");
    expect(refused.response.status).toBe(400);
    expect(refused.response.headers.get("x-amzn-ErrorType")).toContain("ClientLimitExceededException");
    // masters are counted apart, and a second later viewers connect again
    expect((await attempt()).ok).toBe(true);
    now += 1000;
    expect((await attempt("v5")).ok).toBe(true);
  });

  it("closes a connection idle for the idle time, sends GO_AWAY and closes at the maximum", async ({
    expect,
  }) => {
    vi.useFakeTimers();
    try {
      const emulator = createEmulator({
        now: () => DEMO_NOW,
        signalingLifetimes: { idleMs: 1000, maxMs: 5000, goAwayMs: 500 },
      });
      const open = (clientId: string) => openViewer(emulator, clientId);
      const idle = await open("idle");
      const chatty = await open("chatty");
      vi.advanceTimersByTime(999);
      chatty.connection.received();
      vi.advanceTimersByTime(1);
      expect([idle.socket.closedWith(), chatty.socket.closedWith()]).toEqual([1000, undefined]);
      for (let second = 0; second < 4; second++) {
        vi.advanceTimersByTime(900);
        chatty.connection.received();
      }
      // at 4600: sent GO_AWAY half a second before its end (at 4500), still open until 5000
      expect(chatty.sent.map((message) => JSON.parse(message))).toEqual([{ messageType: "GO_AWAY" }]);
      expect(chatty.socket.closedWith()).toBeUndefined();
      vi.advanceTimersByTime(399);
      expect(chatty.socket.closedWith()).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(chatty.socket.closedWith()).toBe(1000);
      // a master the emulator closed is forgotten at once: its reconnect is no second master
      const master = await emulator.connectSignaling(
        new Request(await presignConnect(ORIGIN, demoCamera.arn)),
      );
      if (!master.ok) throw new Error("refused");
      master.accept(silentSocket());
      vi.advanceTimersByTime(1000);
      const again = await emulator.connectSignaling(
        new Request(await presignConnect(ORIGIN, demoCamera.arn)),
      );
      expect(again.ok).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends GO_AWAY to every connection at once on a go-away fault, and closes them all on idle-close", async ({
    expect,
  }) => {
    vi.useFakeTimers();
    try {
      const emulator = createEmulator({
        now: () => DEMO_NOW,
        signalingLifetimes: { idleMs: 60_000, maxMs: 600_000, goAwayMs: 500 },
      });
      const open = (clientId: string) => openViewer(emulator, clientId);
      const fault = (kind: string) =>
        emulator.fetch(
          new Request(`${ORIGIN}/_emulator/faults`, { method: "POST", body: JSON.stringify({ kind }) }),
        );
      const [a, b] = [await open("a"), await open("b")];
      expect((await fault("go-away")).status).toBe(201);
      expect([a.sent, b.sent]).toEqual([
        [JSON.stringify({ messageType: "GO_AWAY" })],
        [JSON.stringify({ messageType: "GO_AWAY" })],
      ]);
      vi.advanceTimersByTime(499);
      expect(a.socket.closedWith()).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect([a.socket.closedWith(), b.socket.closedWith()]).toEqual([1000, 1000]);
      const c = await open("c");
      expect((await fault("idle-close")).status).toBe(201);
      expect(c.socket.closedWith()).toBe(1000);
      expect(c.sent).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
