import { env, reset, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, it } from "vitest";
import { CHANNELS, putTenant } from "./support/tenants.ts";
import { post, testEnv } from "./support/worker.ts";

const emulator = env.TEST_EMULATOR_ORIGIN;
// a fresh configuration per test, as storage is: the isolate keeps its caches per configuration
let bindings = testEnv({ EMULATOR_ORIGIN: emulator });
beforeEach(() => {
  bindings = testEnv({ EMULATOR_ORIGIN: emulator });
});
let key: string;

interface EmulatorCall {
  path: string;
  accessKeyId: string | null;
  signedHeaders: string[];
  status: number;
}

const control = (path: string, init?: RequestInit) => fetch(`${emulator}/_emulator${path}`, init);
const calls = async () => (await (await control("/calls")).json()) as EmulatorCall[];

/** Opens a signaling WebSocket from inside workerd and queues what arrives. */
async function connect(signalingUrl: string) {
  const response = await fetch(signalingUrl.replace(/^ws/, "http"), { headers: { Upgrade: "websocket" } });
  const socket = response.webSocket;
  if (socket === null) throw new Error(`signaling refused the connection: ${response.status}`);
  socket.accept();
  const messages: string[] = [];
  const waiters: ((message: string) => void)[] = [];
  socket.addEventListener("message", (event) => {
    const message = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  return {
    next: () =>
      new Promise<string>((resolve) => {
        const queued = messages.shift();
        if (queued !== undefined) resolve(queued);
        else waiters.push(resolve);
      }),
    close: () => socket.close(1000, "done"),
  };
}

beforeEach(async () => {
  key = await putTenant(env, "demo");
  await control("/reset", { method: "POST" });
});
afterEach(async () => {
  await control("/reset", { method: "POST" });
  await reset();
});

describe("end to end against the emulator", () => {
  it.for([
    ["MASTER", "/joinStorageSession", {}],
    ["VIEWER", "/joinStorageSessionAsViewer", { clientId: "viewer-1" }],
  ] as const)(
    "device session → signaling with the presigned URL → join (%s) → the SDP offer arrives",
    async ([role, path, extra], { expect }) => {
      const session = await post(
        bindings,
        "/v1/device-session",
        { channelArn: CHANNELS.demoCamera, role, ...extra },
        key,
      );
      expect(session.status).toBe(200);
      const { signalingUrl, iceServers } = (await session.json()) as {
        signalingUrl: string;
        iceServers: unknown[];
      };
      expect(new URL(signalingUrl).origin).toBe(emulator.replace(/^http/, "ws"));
      expect(iceServers.length).toBeGreaterThan(1);
      const signaling = await connect(signalingUrl);
      try {
        const joined = await post(bindings, path, { channelArn: CHANNELS.demoCamera, ...extra }, key);
        expect(joined.status).toBe(200);
        expect(joined.headers.get("x-amzn-RequestId")).toMatch(/\S/);
        const offer = JSON.parse(await signaling.next()) as { messageType: string; messagePayload: string };
        expect(offer.messageType).toBe("SDP_OFFER");
        expect(atob(offer.messagePayload)).toContain("v=0");
      } finally {
        signaling.close();
      }
      const joins = (await calls()).filter((call) => call.path === path);
      expect(joins).toHaveLength(1);
      expect(joins[0]).toMatchObject({ accessKeyId: "AKIAEMULATOROPERATOR", status: 200 });
      expect(joins[0]?.signedHeaders).not.toContain("authorization");
    },
  );

  it("passes the emulator's answers through the error model", async ({ expect }) => {
    const join = (channelArn: string) => post(bindings, "/joinStorageSession", { channelArn }, key);
    const missing = "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera-9/1700000000009";
    expect((await join(missing)).status).toBe(404);
    await control("/faults", {
      method: "POST",
      body: JSON.stringify({ kind: "throttle", route: "/joinStorageSession", times: 1 }),
    });
    expect((await join(CHANNELS.demoCamera)).status).toBe(429);
    await control("/faults", {
      method: "POST",
      body: JSON.stringify({
        kind: "server-error",
        status: 503,
        body: "html",
        route: "/joinStorageSession",
        times: 1,
      }),
    });
    expect((await join(CHANNELS.demoCamera2)).status).toBe(502);
    await control("/faults", {
      method: "POST",
      body: JSON.stringify({ kind: "reset", route: "/joinStorageSession", times: 1 }),
    });
    const reset = await join(CHANNELS.demoCamera2);
    expect(reset.status).toBe(502);
  });

  it("answers 503 and sends nothing when a join cannot leave within 2 s of AWS's count", async ({
    expect,
  }) => {
    const oneAJoin = testEnv({ EMULATOR_ORIGIN: emulator, JOIN_LIMIT_PER_SECOND: "1" });
    const join = () => post(oneAJoin, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key);
    await control("/faults", {
      method: "POST",
      body: JSON.stringify({ kind: "reset", route: "/joinStorageSession", times: 1 }),
    });
    expect((await join()).status).toBe(502);
    // the reset join may still reach AWS until its 5 s timeout: the next, held by the limiter until 1.05 s,
    // could go only at 6 s, so it is not sent, and the device is told when to ask again
    const next = await join();
    expect(next.status).toBe(503);
    expect(next.headers.get("x-amzn-ErrorType")).toBe("ServiceUnavailableException");
    expect(Number(next.headers.get("Retry-After"))).toBeGreaterThanOrEqual(4);
    // asked again, it is refused the same way without discovering the endpoint again (a reset join did make it)
    expect((await join()).status).toBe(503);
    const sent = await calls();
    expect(sent.filter((call) => call.path === "/joinStorageSession")).toHaveLength(1);
    expect(sent.filter((call) => call.path === "/getSignalingChannelEndpoint")).toHaveLength(2);
    // and it gave its slot back: only the join that may have reached AWS holds one in the account's window
    const slots = await runInDurableObject(
      env.LIMITER.getByName("account:us-west-2:111122223333"),
      (_instance, state) => state.storage.sql.exec("SELECT at FROM joins").toArray().length,
    );
    expect(slots).toBe(1);
  });

  it("answers 504 when the emulator hangs, after exactly one attempt", async ({ expect }) => {
    await control("/faults", {
      method: "POST",
      body: JSON.stringify({ kind: "hang", route: "/joinStorageSession" }),
    });
    const impatient = testEnv({ EMULATOR_ORIGIN: emulator, UPSTREAM_TIMEOUT_MS: "500" });
    const response = await post(impatient, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key);
    expect(response.status).toBe(504);
    expect((await calls()).filter((call) => call.path === "/joinStorageSession")).toHaveLength(1);
  });
});
