import { env } from "cloudflare:test";
import { describe, it, onTestFinished, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { putTenant } from "../../test/support/tenants.ts";
import { post, refusingEnv as testEnv } from "../../test/support/worker.ts";

const START = Date.UTC(2030, 0, 1);
let upstream: FakeUpstream;
frozenProxy(START, (fake) => {
  upstream = fake;
});

const arn = (name: string) => `arn:aws:kinesisvideo:us-west-2:111122223333:channel/${name}/1`;
const grant = (channelName: string) => ({
  channels: [{ accountId: "111122223333", region: "us-west-2", channelName }],
});

/** The most joins that reached AWS within any one second. */
function busiestSecond(times: readonly number[]): number {
  return Math.max(
    0,
    ...times.map((time) => times.filter((other) => other >= time && other < time + 1000).length),
  );
}

describe("fair sharing of an AWS account's joins between tenants", () => {
  // 5,100 joins through the Worker: seconds, not the default 5
  it("keeps ≥ 99% of a modest tenant's joins while another offers 10× the account limit, never above the limit", {
    timeout: 60_000,
  }, async ({ expect }) => {
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "50" });
    // the clock is simulated: the send gate's spacing (tested on its own) would wait in real time
    onTestFinished(() => {
      vi.restoreAllMocks();
    });
    vi.spyOn(scheduler, "wait").mockResolvedValue(undefined);
    const flooder = await putTenant(env, "flooder", grant("flood-*"));
    const modest = await putTenant(env, "modest", grant("cam-*"));
    const forwardedAt: number[] = [];
    upstream.answer("/joinStorageSession", () => {
      forwardedAt.push(Date.now());
      return new Response(null);
    });
    const join = (name: string, key: string) =>
      post(bindings, "/joinStorageSession", { channelArn: arn(name) }, key);

    let floods = 0;
    const modestStatuses: number[] = [];
    const flooderStatuses: number[] = [];
    // 10 s in 20 ms steps: the flooder sends 10 joins a step (500/s, on 300 channels), the modest tenant one every
    // 100 ms (10/s, 20% of the limit, on 10 channels); both start in the first step
    for (let step = 0; step < 500; step++) {
      vi.setSystemTime(START + step * 20);
      const modestTurn = step % 5 === 0;
      // the modest join is sent before the flooder's batch in half its turns, after it in the others
      const early =
        modestTurn && step % 10 === 0 ? join(`cam-${modestStatuses.length % 10}`, modest) : undefined;
      const batch = Array.from({ length: 10 }, () => join(`flood-${floods++ % 300}`, flooder));
      const late =
        modestTurn && step % 10 !== 0 ? join(`cam-${modestStatuses.length % 10}`, modest) : undefined;
      const modestJoin = early ?? late;
      for (const response of await Promise.all(batch)) flooderStatuses.push(response.status);
      if (modestJoin !== undefined) modestStatuses.push((await modestJoin).status);
    }

    const admitted = (list: number[]) => list.filter((status) => status === 200).length;
    expect(modestStatuses).toHaveLength(100);
    expect(admitted(modestStatuses) / modestStatuses.length).toBeGreaterThanOrEqual(0.99);
    expect(busiestSecond(forwardedAt)).toBeLessThanOrEqual(50);
    // what the modest tenant leaves idle goes to the flooder: about 40 of every second's 50
    expect(admitted(flooderStatuses)).toBeGreaterThanOrEqual(35 * 10);
    expect(flooderStatuses.every((status) => status === 200 || status === 429)).toBe(true);
  });

  it("shares by the tenants' configured weights", async ({ expect }) => {
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "10" });
    const light = await putTenant(env, "light", grant("light-*"));
    const heavy = await putTenant(env, "heavy", { ...grant("heavy-*"), limits: { accountShareWeight: 3 } });
    const admitted = { light: 0, heavy: 0 };
    // both flood one instant, alternating: of the 9 joins not held, the heavy tenant is owed 3 in 4
    for (let i = 0; i < 20; i++) {
      for (const [name, key] of [
        ["light", light],
        ["heavy", heavy],
      ] as const) {
        const response = await post(
          bindings,
          "/joinStorageSession",
          { channelArn: arn(`${name}-${i}`) },
          key,
        );
        if (response.status === 200) admitted[name]++;
      }
    }
    expect(admitted.heavy).toBeGreaterThanOrEqual(6);
    expect(admitted.light).toBeLessThanOrEqual(3);
    expect(admitted.light + admitted.heavy).toBe(9);
  });
});
