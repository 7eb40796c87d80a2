import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import WebSocket from "ws";
import { presignConnect, signedPost } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { type LocalTls, localTls } from "./local-tls.ts";
import { type RunningEmulator, startEmulator } from "./start-emulator.ts";

const { demoCamera } = DEMO_CHANNELS;
let dir = "";
let tls: LocalTls;
let kvs: RunningEmulator;
let ca = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kvs-tls-"));
  tls = await localTls(dir);
  ca = readFileSync(tls.caPath, "utf8");
  kvs = await startEmulator({ port: 0, now: () => DEMO_NOW, tls });
});
afterAll(async () => {
  await kvs?.close();
  rmSync(dir, { recursive: true, force: true });
});

// a signed request sent over https, trusting only the local CA
async function send(request: Request, trusted = ca): Promise<{ status: number; body: string }> {
  const body = Buffer.from(await request.arrayBuffer());
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      request.url,
      { method: request.method, headers: Object.fromEntries(request.headers), ca: trusted },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

describe("the emulator over TLS", () => {
  it("serves https with a certificate its local CA signed, and nothing trusts it by default", async ({
    expect,
  }) => {
    expect(kvs.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const describe = await signedPost(
      "/describeSignalingChannel",
      { ChannelName: demoCamera.name },
      { origin: kvs.url },
    );
    expect((await send(describe)).status).toBe(200);
    const again = await signedPost(
      "/describeSignalingChannel",
      { ChannelName: demoCamera.name },
      { origin: kvs.url },
    );
    await expect(send(again, "")).rejects.toThrow(/self[- ]signed|unable to (verify|get)/i);
  });

  it("returns https:// and wss:// endpoints, and delivers the SDP offer over wss after a join", async ({
    expect,
  }) => {
    const endpoints = await send(
      await signedPost(
        "/getSignalingChannelEndpoint",
        {
          ChannelARN: demoCamera.arn,
          SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS", "WEBRTC"], Role: "MASTER" },
        },
        { origin: kvs.url },
      ),
    );
    const list = (
      JSON.parse(endpoints.body) as { ResourceEndpointList: { Protocol: string; ResourceEndpoint: string }[] }
    ).ResourceEndpointList;
    const wss = list.find((endpoint) => endpoint.Protocol === "WSS")?.ResourceEndpoint ?? "";
    expect(wss).toBe(kvs.url.replace("https", "wss"));
    expect(list.find((endpoint) => endpoint.Protocol === "WEBRTC")?.ResourceEndpoint).toBe(kvs.url);

    const socket = new WebSocket(await presignConnect(wss, demoCamera.arn), { ca });
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const offer = new Promise<string>((resolve) => socket.once("message", (data) => resolve(String(data))));
    const joined = await send(
      await signedPost("/joinStorageSession", { channelArn: demoCamera.arn }, { origin: kvs.url }),
    );
    expect(joined.status).toBe(200);
    expect(JSON.parse(await offer).messageType).toBe("SDP_OFFER");
    socket.close();
  });

  it("makes its CA once and reuses it at the next start", async ({ expect }) => {
    const again = await localTls(dir);
    expect(again).toEqual(tls);
    expect(tls.spkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("makes everything again when a file is damaged or the certificate is not its CA's", async ({
    expect,
  }) => {
    const other = mkdtempSync(join(tmpdir(), "kvs-tls-other-"));
    try {
      const first = await localTls(other);
      const firstCa = readFileSync(first.caPath, "utf8");
      writeFileSync(join(other, "server.pem"), "-----BEGIN CERTIFICATE-----\ntruncated");
      const remade = await localTls(other);
      expect(remade.cert).not.toBe(first.cert);
      expect(readFileSync(remade.caPath, "utf8")).not.toBe(firstCa);
      // another CA's certificate beside this CA: not usable either
      writeFileSync(join(other, "server.pem"), tls.cert);
      expect((await localTls(other)).cert).not.toBe(tls.cert);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
