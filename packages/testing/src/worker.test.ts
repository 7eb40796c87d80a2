import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { unstable_startWorker } from "wrangler";
import WebSocket from "ws";
import { presignConnect, signedPost } from "../test/signing.ts";
import { DEMO_CHANNELS } from "./fixtures/demo-data.ts";

type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;

const config = fileURLToPath(new URL("../wrangler.toml", import.meta.url));
let worker: Worker;
let origin: string;

beforeAll(async () => {
  vi.stubEnv("CLOUDFLARE_CF_FETCH_ENABLED", "false");
  vi.stubEnv("WRANGLER_SEND_METRICS", "false");
  worker = await unstable_startWorker({
    config,
    dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, logLevel: "warn" },
  });
  origin = (await worker.url).origin;
}, 30_000);

afterAll(async () => {
  await worker?.dispose();
  vi.unstubAllEnvs();
});

describe("the emulator as a Worker (workerd via wrangler)", () => {
  it("verifies SigV4 and joins with the isolate's real clock", async ({ expect }) => {
    const request = await signedPost(
      "/joinStorageSession",
      { channelArn: DEMO_CHANNELS.demoCamera.arn },
      {
        origin,
        signedAt: Date.now(),
      },
    );
    const response = await fetch(request);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    const calls = await fetch(`${origin}/_emulator/calls`);
    expect(await calls.json()).toEqual([
      expect.objectContaining({ path: "/joinStorageSession", status: 200 }),
    ]);
  });

  it("upgrades a presigned ConnectAsMaster through WebSocketPair and delivers the SDP offer", async ({
    expect,
  }) => {
    const channelArn = DEMO_CHANNELS.demoCamera2.arn;
    const url = await presignConnect(origin.replace("http", "ws"), channelArn, { signedAt: Date.now() });
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const offer = new Promise<string>((resolve) => socket.once("message", (data) => resolve(String(data))));
    const join = await fetch(
      await signedPost("/joinStorageSession", { channelArn }, { origin, signedAt: Date.now() }),
    );
    expect(join.status).toBe(200);
    expect(JSON.parse(await offer)).toMatchObject({ messageType: "SDP_OFFER" });
    const closed = new Promise((resolve) => socket.once("close", resolve));
    socket.close();
    await closed;
  });

  it("refuses an unsigned upgrade with 403 and no socket", async ({ expect }) => {
    const socket = new WebSocket(`${origin.replace("http", "ws")}/?X-Amz-ChannelARN=x`);
    const status = await new Promise<number>((resolve) => {
      socket.once("unexpected-response", (_, response) => resolve(response.statusCode ?? 0));
      socket.once("error", () => resolve(-1));
    });
    expect(status).toBe(403);
  });
});
