import { createServer } from "node:http";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { presignConnect, signedPost } from "../../test/signing.ts";
import type { Emulator } from "../emulator/create-emulator.ts";
import type { SdpOfferMessage } from "../emulator/sdp-offer.ts";
import { DEMO_CHANNELS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { serveUpgrade } from "./node-websocket.ts";
import { type RunningEmulator, startEmulator } from "./start-emulator.ts";

const { demoCamera } = DEMO_CHANNELS;
let kvs: RunningEmulator;

beforeAll(async () => {
  kvs = await startEmulator({ port: 0, now: () => DEMO_NOW });
});
afterAll(async () => {
  await kvs.close();
});

const post = async (path: string, body: unknown) => fetch(await signedPost(path, body, { origin: kvs.url }));

function open(url: string): Promise<{ socket: WebSocket; messages: string[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const messages: string[] = [];
    const closed = new Promise<number>((done) => socket.on("close", (code) => done(code)));
    socket.on("message", (data) => messages.push(String(data)));
    socket.on("open", () => resolve({ socket, messages, closed }));
    socket.on("unexpected-response", (_, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.on("error", reject);
  });
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => socket.once("message", (data) => resolve(String(data))));
}

describe("startEmulator", () => {
  it("serves signed requests over HTTP with the AWS headers", async ({ expect }) => {
    const response = await post("/getSignalingChannelEndpoint", {
      ChannelARN: demoCamera.arn,
      SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "WEBRTC"], Role: "MASTER" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("date")).toBe("Tue, 08 Oct 2024 20:05:22 GMT");
    expect(await response.json()).toEqual({
      ResourceEndpointList: [
        { Protocol: "WSS", ResourceEndpoint: kvs.url.replace("http", "ws") },
        { Protocol: "WEBRTC", ResourceEndpoint: kvs.url },
      ],
    });
  });

  it("exposes the control endpoints over HTTP", async ({ expect }) => {
    kvs.reset();
    await post("/joinStorageSession", { channelArn: demoCamera.arn });
    const calls = await fetch(`${kvs.url}/_emulator/calls`);
    expect(await calls.json()).toEqual([
      expect.objectContaining({ path: "/joinStorageSession", status: 200 }),
    ]);
    const fault = await fetch(`${kvs.url}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "server-error", status: 502, body: "html", times: 1 }),
    });
    expect(fault.status).toBe(201);
    expect((await post("/joinStorageSession", { channelArn: demoCamera.arn })).status).toBe(502);
    expect((await fetch(`${kvs.url}/_emulator/reset`, { method: "POST" })).status).toBe(204);
    expect(kvs.calls()).toEqual([]);
  });

  it("destroys the socket for an injected reset", async ({ expect }) => {
    kvs.reset();
    kvs.inject({ kind: "reset", times: 1 });
    await expect(post("/joinStorageSession", { channelArn: demoCamera.arn })).rejects.toThrow(TypeError);
    kvs.reset();
  });

  it("connects signaling WebSockets only with a valid presigned URL and delivers the SDP offer", async ({
    expect,
  }) => {
    kvs.reset();
    const wsOrigin = kvs.url.replace("http", "ws");
    const master = await open(await presignConnect(wsOrigin, demoCamera.arn));
    const viewer = await open(await presignConnect(wsOrigin, demoCamera.arn, { clientId: "viewer-1" }));
    await expect(open(await presignConnect(wsOrigin, demoCamera.arn))).rejects.toThrow("HTTP 403");
    await expect(open(await presignConnect(wsOrigin, `${demoCamera.arn}0`))).rejects.toThrow("HTTP 404");
    await expect(open(await presignConnect(wsOrigin, demoCamera.arn, { clientId: "a b" }))).rejects.toThrow(
      "HTTP 400",
    );
    const forged = new URL(await presignConnect(wsOrigin, demoCamera.arn, { clientId: "viewer-2" }));
    forged.searchParams.set("X-Amz-Signature", "f".repeat(64));
    await expect(open(forged.toString())).rejects.toThrow("HTTP 403");

    const offer = nextMessage(master.socket);
    expect((await post("/joinStorageSession", { channelArn: demoCamera.arn })).status).toBe(200);
    const message: SdpOfferMessage = JSON.parse(await offer);
    expect(message.messageType).toBe("SDP_OFFER");
    expect(JSON.parse(atob(message.messagePayload)).type).toBe("offer");

    const viewerOffer = nextMessage(viewer.socket);
    expect(
      (await post("/joinStorageSessionAsViewer", { channelArn: demoCamera.arn, clientId: "viewer-1" }))
        .status,
    ).toBe(200);
    expect(JSON.parse(await viewerOffer)).toMatchObject({ messageType: "SDP_OFFER" });
    expect(master.messages).toHaveLength(1);

    master.socket.close();
    viewer.socket.close();
    await Promise.all([master.closed, viewer.closed]);
  });
});

describe("close()", () => {
  it("closes hung requests and WebSockets and leaves no server handle behind", async ({ expect }) => {
    const handles = () => process.getActiveResourcesInfo().filter((name) => name === "TCPServerWrap").length;
    const before = handles();
    const server = await startEmulator({ now: () => DEMO_NOW });
    expect(handles()).toBe(before + 1);
    const channel = await open(await presignConnect(server.url.replace("http", "ws"), demoCamera.arn));
    server.inject({ kind: "hang" });
    const hung = fetch(
      await signedPost("/joinStorageSession", { channelArn: demoCamera.arn }, { origin: server.url }),
    );
    await server.waitForCalls(2);
    await server.close();
    await expect(hung).rejects.toThrow(TypeError);
    expect(await channel.closed).toBeGreaterThan(1000);
    expect(handles()).toBe(before);
  });
});

describe("the Node host of signaling sockets", () => {
  it("reports every message the client sends, and the close, to the emulator's connection", async ({
    expect,
  }) => {
    const received = vi.fn();
    const closed = vi.fn();
    const emulator = {
      connectSignaling: async () => ({
        ok: true as const,
        peer: { channelArn: demoCamera.arn, role: "master" as const },
        accept: () => ({ received, closed }),
      }),
    } as unknown as Emulator;
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer();
    server.on("upgrade", (req, socket, head) => void serveUpgrade(emulator, wss, req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const client = await open(`ws://127.0.0.1:${port}/`);
      client.socket.send("one");
      client.socket.send("two");
      await vi.waitFor(() => expect(received).toHaveBeenCalledTimes(2));
      client.socket.close();
      await vi.waitFor(() => expect(closed).toHaveBeenCalledTimes(1));
    } finally {
      wss.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
