/**
 * @module Core's smoke suite in real headless Chromium (@sparticuz/chromium, driven by playwright-core), from a page
 * on its own origin against the emulator on another: every call crosses origins, with web security on.
 */
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { type RunningEmulator, startEmulator } from "@kvs-webrtc-storage/testing/server";
import chromium from "@sparticuz/chromium";
import { build } from "esbuild";
import { type Browser, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { SmokeResult } from "../runtime-smoke.ts";

// made for serverless screenshots, these would let every cross-origin call pass for nothing
const DROPPED_ARGS = ["--disable-web-security", "--allow-running-insecure-content", "--single-process"];

let emulator: RunningEmulator;
let page: Server;
let pageOrigin = "";
let browser: Browser;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL("./smoke-page.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@kvs-webrtc-storage/source"],
    write: false,
  });
  const script = bundled.outputFiles[0]?.text ?? "";
  page = createServer((request, response) => {
    const isScript = request.url === "/smoke.js";
    response.writeHead(200, { "content-type": isScript ? "text/javascript" : "text/html" });
    response.end(isScript ? script : '<!doctype html><script type="module" src="/smoke.js"></script>');
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  const address = page.address();
  pageOrigin = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  const args = chromium.args.filter((arg) => !DROPPED_ARGS.some((dropped) => arg.startsWith(dropped)));
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args,
    headless: true,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => page?.close(resolve));
  await emulator?.close();
});

describe("core in a real browser", () => {
  it("passes every smoke check from its own origin, through the emulator's CORS", async ({ expect }) => {
    expect(new URL(pageOrigin).origin).not.toBe(new URL(emulator.url).origin);
    const tab = await browser.newPage();
    const logged: string[] = [];
    tab.on("console", (message) => logged.push(message.text()));
    await tab.goto(`${pageOrigin}/?emulator=${encodeURIComponent(emulator.url)}`);
    await tab.waitForFunction(() => Reflect.has(globalThis, "smokeResults"), undefined, { timeout: 60_000 });
    const results = (await tab.evaluate(() => Reflect.get(globalThis, "smokeResults"))) as SmokeResult[];
    expect(
      results.filter((result) => result.error !== undefined),
      logged.join("\n"),
    ).toEqual([]);
    expect(results).toHaveLength(8);
    await tab.close();
  });
});
