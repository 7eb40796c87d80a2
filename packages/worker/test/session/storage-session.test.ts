/**
 * @module Core's storage-session checks inside workerd: against the emulator directly with AWS credentials, and
 * through this Worker (the proxy, called in process) with device tokens it minted itself.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { putTenant, secretFor } from "../support/tenants.ts";
import { OPERATOR, send, testEnv } from "../support/worker.ts";
import { runSessionChecks } from "./session-checks.ts";

const emulatorOrigin = env.TEST_SESSION_EMULATOR_ORIGIN;
const PROXY = "https://proxy.example";

describe("openStorageSession in workerd", () => {
  it("passes every check against the emulator, with AWS credentials", async () => {
    const results = await runSessionChecks({
      name: "workerd direct",
      emulatorOrigin,
      access: async () => ({ credentials: OPERATOR, controlPlaneEndpoint: emulatorOrigin }),
    });
    expect(results.filter((result) => result.error !== undefined)).toEqual([]);
    expect(results).toHaveLength(5);
  }, 60_000);

  it("passes every check through the proxy, with device tokens", async () => {
    const bindings = testEnv({ EMULATOR_ORIGIN: emulatorOrigin });
    await putTenant(bindings, "sessions");
    const key = `sessions.${secretFor("sessions")}`;
    const proxyFetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      return send(bindings, new URL(request.url).pathname, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
    };
    const mint = async (participant: object) => {
      const response = await proxyFetch(`${PROXY}/v1/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ ...participant, ttlSeconds: 300 }),
      });
      return ((await response.json()) as { token: string }).token;
    };
    const results = await runSessionChecks({
      name: "workerd proxy",
      emulatorOrigin,
      access: async (participant) => ({
        proxy: { origin: PROXY, token: await mint(participant) },
        fetch: proxyFetch,
      }),
    });
    expect(results.filter((result) => result.error !== undefined)).toEqual([]);
    expect(results).toHaveLength(5);
  }, 60_000);
});
