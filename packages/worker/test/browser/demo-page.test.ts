/**
 * @module The browser demo in real headless Chromium (from the @sparticuz/chromium npm package, driven by
 * playwright-core), against the whole local stack: from an allowed origin the official KVS WebRTC JS SDK receives
 * the storage session's SDP offer; from an origin no tenant allows, CORS stops the page and nothing goes upstream.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chromium from "@sparticuz/chromium";
import { type Browser, type Page, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/local-stack.ts";

// made for serverless screenshots, these would let every CORS check pass for nothing (and one process per page)
const DROPPED_ARGS = ["--disable-web-security", "--allow-running-insecure-content", "--single-process"];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}

let stack: LocalStack;
let browser: Browser;
let state = "";

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "kvs-browser-"));
  const [proxyPort, emulatorPort] = [await freePort(), await freePort()];
  stack = await startLocalStack({
    host: "127.0.0.1",
    proxyPort,
    emulatorPort,
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
