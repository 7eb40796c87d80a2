import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const wranglerConfig = fileURLToPath(new URL("./wrangler.toml", import.meta.url));
// core's workerd tests run on the same runtime date as the proxy that deploys it
const [, compatibilityDate = ""] =
  /^compatibility_date = "([\d-]+)"/m.exec(readFileSync(wranglerConfig, "utf8")) ?? [];

export default defineConfig({
  test: {
    // request logs are asserted by tests; print them only when a test fails
    silent: "passed-only",
    projects: [
      {
        test: {
          name: "core",
          environment: "node",
          include: ["packages/core/src/**/*.test.ts", "packages/core/test/**/*.test.ts"],
          exclude: ["**/*.workerd.test.ts"],
        },
      },
      {
        // core's smoke suite inside workerd, as a Worker imports core (Node, Deno and Bun: npm run test:runtimes)
        plugins: [cloudflareTest({ miniflare: { compatibilityDate } })],
        test: { name: "core-workerd", include: ["packages/core/test/**/*.workerd.test.ts"] },
      },
      {
        test: { name: "layout", environment: "node", include: ["test/**/*.test.ts"] },
      },
      {
        test: {
          name: "testing",
          environment: "node",
          include: ["packages/testing/src/**/*.test.ts", "packages/testing/test/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "bench",
          environment: "node",
          include: ["packages/bench/src/**/*.test.ts"],
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: wranglerConfig },
            // The emulator runs in Node (global setup); the Worker under test reaches it over loopback.
            miniflare: { bindings: { TEST_EMULATOR_ORIGIN: inject<string>("emulatorOrigin") } },
          })),
        ],
        test: {
          name: "worker",
          include: ["packages/worker/src/**/*.test.ts", "packages/worker/test/**/*.test.ts"],
          globalSetup: ["packages/worker/test/global-setup.ts"],
        },
      },
    ],
  },
});
