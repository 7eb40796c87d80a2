/**
 * @module The browser demo in real headless Chromium (from the @sparticuz/chromium npm package, driven by
 * playwright-core), against the whole local stack: from an allowed origin the official KVS WebRTC JS SDK receives
 * the storage session's SDP offer; from an origin no tenant allows, CORS stops the page and nothing goes upstream.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_TENANT_KEY } from "@kvs-webrtc-storage/testing/fixtures";
import chromium from "@sparticuz/chromium";
import { build } from "esbuild";
import { type Browser, type Page, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/local-stack.ts";
import type { CheckResult } from "../session/session-checks.ts";

// made for serverless screenshots, these would let every CORS check pass for nothing (and one process per page)
const DROPPED_ARGS = ["--disable-web-security", "--allow-running-insecure-content", "--single-process"];

let stack: LocalStack;
let browser: Browser;
let state = "";

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "kvs-browser-"));
  stack = await startLocalStack({
    host: "127.0.0.1",
    proxyPort: 0,
    emulatorPort: 0,
    pagePort: 0,
    persistTo: state,
    wranglerOutput: "ignore",
  });
  const args = chromium.args.filter((arg) => !DROPPED_ARGS.some((dropped) => arg.startsWith(dropped)));
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args,
    headless: true,
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (state !== "") rmSync(state, { recursive: true, force: true });
});

// the page's status once it has the offer or has failed, with what the browser logged on the way
async function outcome(url: string): Promise<{ page: Page; state: string; console: string[] }> {
  const page = await browser.newPage();
  const console: string[] = [];
  page.on("console", (message) => console.push(message.text()));
  await page.goto(url);
  const settled = () =>
    ["offer", "error"].includes(document.querySelector<HTMLElement>("#status")?.dataset.state ?? "");
  await page.waitForFunction(settled, null, { timeout: 60_000 });
  const status = await page.locator("#status").getAttribute("data-state");
  return { page, state: status ?? "", console };
}

describe("the browser demo in Chromium", () => {
  it("receives the storage session's SDP offer through the proxy, from an allowed origin", async ({
    expect,
  }) => {
    const before = stack.emulator.calls().length;
    const { page, state, console } = await outcome(stack.pageUrl);
    expect(state, console.join("\n")).toBe("offer");
    expect(await page.locator("#offer").textContent()).toMatch(/^v=0\r?\n/);
    const upstream = stack.emulator
      .calls()
      .slice(before)
      .map((call) => [call.path, call.status]);
    expect(upstream).toContainEqual(["/joinStorageSessionAsViewer", 200]);
    await page.close();
  });

  it("is stopped by CORS from an origin no tenant allows, and nothing goes upstream", async ({ expect }) => {
    // *.localhost is loopback to Chromium, but not an origin the demo tenant allows (http://localhost:*)
    const elsewhere = stack.pageUrl.replace("127.0.0.1", "demo.localhost");
    const before = stack.emulator.calls().length;
    const { page, state, console } = await outcome(elsewhere);
    expect(state).toBe("error");
    expect(console.join("\n")).toContain("has been blocked by CORS policy");
    expect(stack.emulator.calls().slice(before)).toEqual([]);
    await page.close();
  });
});

// a page on its own origin running core's openStorageSession, and its backend minting tokens with the tenant key
async function startSessionPage(): Promise<{ server: Server; url: string }> {
  const bundled = await build({
    entryPoints: [join(import.meta.dirname, "session-page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@kvs-webrtc-storage/source"],
    write: false,
  });
  const script = bundled.outputFiles[0]?.text ?? "";
  const server = createHttpServer((request, response) => {
    if (request.method === "POST" && request.url === "/token") {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk));
      request.on("end", async () => {
        const minted = await fetch(`${stack.proxyUrl}/v1/tokens`, {
          method: "POST",
          headers: { authorization: `Bearer ${DEMO_TENANT_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ ...JSON.parse(body), ttlSeconds: 300 }),
        });
        response.writeHead(minted.status, { "content-type": "application/json" }).end(await minted.text());
      });
      return;
    }
    const isScript = request.url === "/session.js";
    response.writeHead(200, { "content-type": isScript ? "text/javascript" : "text/html" });
    response.end(isScript ? script : '<!doctype html><script type="module" src="/session.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    server,
    url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`,
  };
}

describe("core's openStorageSession in Chromium", () => {
  it("passes every storage-session check, directly and through the proxy, with web security on", async ({
    expect,
  }) => {
    const { server, url } = await startSessionPage();
    try {
      const tab = await browser.newPage();
      const logged: string[] = [];
      tab.on("console", (message) => logged.push(message.text()));
      const query = new URLSearchParams({ emulator: stack.emulator.url, proxy: stack.proxyUrl });
      await tab.goto(`${url}/?${query}`);
      await tab.waitForFunction(() => Reflect.has(globalThis, "sessionResults"), undefined, {
        timeout: 90_000,
      });
      const results = (await tab.evaluate(() => Reflect.get(globalThis, "sessionResults"))) as CheckResult[];
      expect(
        results.filter((result) => result.error !== undefined),
        logged.join("\n"),
      ).toEqual([]);
      expect(results).toHaveLength(11);
      await tab.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
