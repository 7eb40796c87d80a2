import { describe, expect, it } from "vitest";
import { runCoreSmoke } from "./runtime-smoke.ts";

// the same checks smoke-main.ts runs on Node, Deno and Bun (npm run test:runtimes), here inside workerd
describe("core smoke suite in workerd", () => {
  it("signs and joins against the emulator", async () => {
    const results = await runCoreSmoke();
    expect(results.filter((result) => result.error !== undefined)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(8);
  });
});
