/**
 * @module The browser demo's own server (local only, never part of the Worker): the page, its script, the official
 * KVS WebRTC JS SDK's browser build, and a tiny "tenant backend" that keeps the demo tenant key on the server and
 * mints each visitor a short-lived device token through the proxy.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DEMO_CHANNELS, DEMO_REGION, DEMO_TENANT_KEY } from "@kvs-webrtc-storage/testing/fixtures";
import { build } from "esbuild";

/** A running demo page. */
export interface DemoPage {
  readonly url: string;
  close(): Promise<void>;
}

const SDK = createRequire(import.meta.url).resolve(
  "amazon-kinesis-video-streams-webrtc/dist/kvs-webrtc.min.js",
);
// long enough to open signaling and join; the page asks again when it reloads
const TOKEN_TTL_SECONDS = 600;

async function pageScript(): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, "page.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

// the tenant's backend: it holds the tenant key and hands the page a token for one viewer of one channel
async function mintToken(proxyUrl: string): Promise<Record<string, string>> {
  const clientId = `browser-${crypto.randomUUID().slice(0, 8)}`;
  const channelArn = DEMO_CHANNELS.demoCamera.arn;
  const response = await fetch(`${proxyUrl}/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEMO_TENANT_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ channelArn, role: "VIEWER", clientId, ttlSeconds: TOKEN_TTL_SECONDS }),
  });
  if (!response.ok)
    throw new Error(`the proxy refused to mint a token: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return { token, proxy: proxyUrl, channelArn, clientId, region: DEMO_REGION };
}

/**
 * Serves the demo page on `host:port` (0 picks a free port), its backend minting tokens from `proxyUrl`.
 *
 * @example
 * const page = await startDemoPage({ port: 8800, host: "127.0.0.1", proxyUrl: "http://127.0.0.1:8787" });
 */
export async function startDemoPage(options: {
  port: number;
  host: string;
  proxyUrl: string;
}): Promise<DemoPage> {
  const [html, script, sdk] = await Promise.all([
    readFile(join(import.meta.dirname, "page.html"), "utf8"),
    pageScript(),
    readFile(SDK, "utf8"),
  ]);
  const files: Record<string, [string, string]> = {
    "/": ["text/html; charset=utf-8", html],
    "/page.js": ["text/javascript; charset=utf-8", script],
    "/kvs-webrtc.js": ["text/javascript; charset=utf-8", sdk],
  };
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://page").pathname;
    if (request.method === "POST" && path === "/token") {
      const body = JSON.stringify(await mintToken(options.proxyUrl));
      response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(body);
      return;
    }
    const file = request.method === "GET" ? files[path] : undefined;
    if (file === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": file[0] }).end(file[1]);
  };
  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      response.writeHead(502, { "content-type": "text/plain" }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
