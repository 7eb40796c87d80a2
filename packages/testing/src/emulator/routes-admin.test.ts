import { describe, it } from "vitest";
import { ORIGIN, signedPost } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { createEmulator } from "./create-emulator.ts";

const admin = (method: string, path: string, body?: unknown) =>
  new Request(`${ORIGIN}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("/_emulator control endpoints", () => {
  it("read, clear and reset the call log, and arm and clear faults", async ({ expect }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    await emulator.fetch(
      await signedPost("/joinStorageSession", { channelArn: DEMO_CHANNELS.demoCamera.arn }),
    );
    const calls = await emulator.fetch(admin("GET", "/calls"));
    expect(await calls.json()).toEqual([
      expect.objectContaining({ path: "/joinStorageSession", status: 200 }),
    ]);
    expect((await emulator.fetch(admin("DELETE", "/calls"))).status).toBe(204);
    expect(emulator.calls()).toEqual([]);

    const armed = await emulator.fetch(
      admin("POST", "/faults", { kind: "throttle", route: "/joinStorageSession", times: 1 }),
    );
    expect([armed.status, await armed.json()]).toEqual([
      201,
      { kind: "throttle", route: "/joinStorageSession", times: 1 },
    ]);
    expect(
      (
        await emulator.fetch(
          await signedPost("/joinStorageSession", { channelArn: DEMO_CHANNELS.demoCamera.arn }),
        )
      ).status,
    ).toBe(400);

    await emulator.fetch(admin("POST", "/faults", { kind: "server-error" }));
    expect((await emulator.fetch(admin("DELETE", "/faults"))).status).toBe(204);
    await emulator.fetch(admin("POST", "/faults", { kind: "reset" }));
    expect((await emulator.fetch(admin("POST", "/reset"))).status).toBe(204);
    expect(emulator.calls()).toEqual([]);
    expect(
      (await emulator.fetch(await signedPost("/describeSignalingChannel", { ChannelName: "demo-camera" })))
        .status,
    ).toBe(200);
  });

  it("rejects an invalid fault spec with 400 and never logs control calls", async ({ expect }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    for (const body of [
      { kind: "explode" },
      { kind: "latency" },
      { kind: "server-error", status: 404 },
      { kind: "hang", times: 0 },
    ]) {
      const response = await emulator.fetch(admin("POST", "/faults", body));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    }
    expect(
      (await emulator.fetch(new Request(`${ORIGIN}/_emulator/faults`, { method: "POST", body: "{" }))).status,
    ).toBe(400);
    expect(emulator.calls()).toEqual([]);
  });
});
