import { describe, it } from "vitest";
import { DEMO_CHANNELS } from "../fixtures/demo-data.ts";
import { createOperationLimits, JOIN_LIMITS, OPERATION_QUOTAS } from "./limits.ts";

const { demoCamera, demoCamera2 } = DEMO_CHANNELS;
const T0 = 1_000_000;

describe("join TPS limits", () => {
  it("admits two calls per channel per second, then throttles until the window slides", ({ expect }) => {
    const limits = createOperationLimits();
    expect(limits.admitCall("master", demoCamera, T0)).toBe(true);
    expect(limits.admitCall("master", demoCamera, T0 + 10)).toBe(true);
    expect(limits.admitCall("master", demoCamera, T0 + 999)).toBe(false);
    expect(limits.admitCall("master", demoCamera, T0 + 1000)).toBe(true);
  });

  it("counts each operation and each channel separately", ({ expect }) => {
    const limits = createOperationLimits();
    for (const _ of [1, 2]) expect(limits.admitCall("master", demoCamera, T0)).toBe(true);
    expect(limits.admitCall("viewer", demoCamera, T0)).toBe(true);
    expect(limits.admitCall("master", demoCamera2, T0)).toBe(true);
  });

  it("caps an account at 50 calls per second across its channels", ({ expect }) => {
    const limits = createOperationLimits();
    const channels = Array.from({ length: 30 }, (_, i) => ({ ...demoCamera, arn: `${demoCamera.arn}-${i}` }));
    const admitted = channels.flatMap((channel) => [0, 1].map(() => limits.admitCall("viewer", channel, T0)));
    expect(admitted.filter(Boolean)).toHaveLength(JOIN_LIMITS.perAccountTps);
    expect(limits.admitCall("master", demoCamera, T0)).toBe(true);
  });
});

describe("the other operations' quotas", () => {
  it("applies each operation's own: GetIceServerConfig 5 per channel, discovery 300 per account only", ({
    expect,
  }) => {
    const limits = createOperationLimits();
    const ice = Array.from({ length: 6 }, () => limits.admitCall("get-ice-server-config", demoCamera, T0));
    expect(ice).toEqual([true, true, true, true, true, false]);
    const discovery = Array.from({ length: 301 }, () =>
      limits.admitCall("get-signaling-channel-endpoint", demoCamera, T0),
    );
    expect(discovery.filter(Boolean)).toHaveLength(
      OPERATION_QUOTAS["get-signaling-channel-endpoint"].perAccountTps,
    );
    expect(discovery.at(-1)).toBe(false);
  });

  it("counts an account's calls per region, as AWS quotas are regional", ({ expect }) => {
    const limits = createOperationLimits();
    const elsewhere = { ...demoCamera, region: "eu-west-1" };
    for (let i = 0; i < 300; i++) limits.admitCall("get-signaling-channel-endpoint", demoCamera, T0);
    expect(limits.admitCall("get-signaling-channel-endpoint", demoCamera, T0)).toBe(false);
    expect(limits.admitCall("get-signaling-channel-endpoint", elsewhere, T0)).toBe(true);
  });
});

describe("viewer sessions", () => {
  it("admits three distinct viewers, refuses a fourth, and always re-admits a joined viewer", ({
    expect,
  }) => {
    const limits = createOperationLimits();
    for (const id of ["a", "b", "c"]) expect(limits.admitViewer(demoCamera, id, T0)).toBe(true);
    expect(limits.admitViewer(demoCamera, "d", T0 + 1)).toBe(false);
    expect(limits.admitViewer(demoCamera, "b", T0 + 2)).toBe(true);
    expect(limits.admitViewer(demoCamera2, "d", T0 + 3)).toBe(true);
  });

  it("forgets viewers idle for the 60 s window", ({ expect }) => {
    const limits = createOperationLimits();
    for (const id of ["a", "b", "c"]) limits.admitViewer(demoCamera, id, T0);
    limits.admitViewer(demoCamera, "c", T0 + 30_000);
    expect(limits.admitViewer(demoCamera, "d", T0 + 59_999)).toBe(false);
    expect(limits.admitViewer(demoCamera, "d", T0 + 60_000)).toBe(true);
    expect(limits.admitViewer(demoCamera, "e", T0 + 60_000)).toBe(true);
    expect(limits.admitViewer(demoCamera, "f", T0 + 60_000)).toBe(false);
  });
});
