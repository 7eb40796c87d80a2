import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

const wranglerConfig = fileURLToPath(new URL("./wrangler.toml", import.meta.url));
// core's workerd tests run on the same runtime date as the proxy that deploys it
const [, compatibilityDate = ""] =
  /^compatibility_date = "([\d-]+)"/m.exec(readFileSync(wranglerConfig, "utf8")) ?? [];

// tests run the workspace packages' TypeScript sources, never a build (see each package.json's exports)
const SOURCE = "@kvs-webrtc-storage/source";
const fromSource = {
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions] } },
};

export default defineConfig({
  test: {
    // request logs are asserted by tests; print them only when a test fails
    silent: "passed-only",
    projects: [
      {
        ...fromSource,
        test: {
          name: "core",
          environment: "node",
          include: ["packages/core/src/**/*.test.ts", "packages/core/test/**/*.test.ts"],
          exclude: ["**/*.workerd.test.ts", "packages/core/test/browser/**"],
        },
      },
      {
        ...fromSource,
        // core's smoke suite inside workerd, as a Worker imports core (Node, Deno and Bun: npm run test:runtimes)
        plugins: [cloudflareTest({ miniflare: { compatibilityDate } })],
        test: { name: "core-workerd", include: ["packages/core/test/**/*.workerd.test.ts"] },
      },
      {
        ...fromSource,
        // the repository as a whole: its layout rules, and the published packages as users install them
        test: { name: "repo", environment: "node", include: ["test/**/*.test.ts"], testTimeout: 120_000 },
      },
      {
        ...fromSource,
        test: {
          name: "testing",
          environment: "node",
          include: ["packages/testing/src/**/*.test.ts", "packages/testing/test/**/*.test.ts"],
        },
      },
      {
        ...fromSource,
        test: {
          name: "bench",
          environment: "node",
          include: ["packages/bench/src/**/*.test.ts"],
        },
      },
      {
        ...fromSource,
        // the proxy's operator tools (the tenant registry CLI) run in Node
        test: {
          name: "worker-tools",
          environment: "node",
          include: ["packages/worker/scripts/**/*.test.ts"],
        },
      },
      {
        ...fromSource,
        // the browser demo in real Chromium against the whole local stack (wrangler dev, emulator, page)
        test: {
          name: "browser",
          environment: "node",
          include: ["packages/worker/test/browser/**/*.test.ts", "packages/core/test/browser/**/*.test.ts"],
          testTimeout: 120_000,
        },
      },
      {
        ...fromSource,
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: wranglerConfig },
            // The emulator runs in Node (global setup); the Worker under test reaches it over loopback.
            miniflare: {
              bindings: {
                TEST_EMULATOR_ORIGIN: inject<string>("emulatorOrigin"),
                TEST_SESSION_EMULATOR_ORIGIN: inject<string>("sessionEmulatorOrigin"),
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["packages/worker/src/**/*.test.ts", "packages/worker/test/**/*.test.ts"],
          exclude: ["packages/worker/test/browser/**"],
          globalSetup: ["packages/worker/test/global-setup.ts"],
        },
      },
    ],
  },
});
