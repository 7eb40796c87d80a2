import { describe, it, onTestFinished, vi } from "vitest";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { testEnv } from "../../test/support/worker.ts";
import { loadConfig } from "../config/config.ts";
import { gatedFetch } from "./send-gate.ts";

const START = Date.UTC(2030, 0, 1);
frozenProxy(START, () => {});

const arn = (name: string) => `arn:aws:kinesisvideo:us-west-2:111122223333:channel/${name}/1`;

/** The gate under a configuration, with every wait it asks for recorded instead of waited. */
function gate(overrides: Parameters<typeof testEnv>[0] = {}) {
  const config = loadConfig(testEnv(overrides));
  if (!config.ok) throw new Error(config.error.join("; "));
  const waits: number[] = [];
  onTestFinished(() => {
    vi.restoreAllMocks();
  });
  vi.spyOn(scheduler, "wait").mockImplementation(async (delay) => {
    waits.push(delay);
  });
  const send = gatedFetch(config.value);
  const call = (path: string, channel: string, body: Record<string, string> = {}) =>
    send(`https://r-1.kinesisvideo.us-west-2.amazonaws.com${path}`, {
      method: "POST",
      body: JSON.stringify({ channelArn: arn(channel), ...body }),
    });
  return { waits, call };
}

describe("joins leave the isolate no faster than AWS counts them", () => {
  it("holds a join that woke on time until the late ones before it have left its channel's window", async ({
    expect,
  }) => {
    const { waits, call } = gate();
    // two joins decided at 0 but handed to fetch only at 600 (a busy isolate), then one whose slot came at 1050
    vi.setSystemTime(START + 600);
    await Promise.all([call("/joinStorageSession", "cam"), call("/joinStorageSession", "cam")]);
    vi.setSystemTime(START + 1050);
    await call("/joinStorageSession", "cam");
    // it leaves when the late ones are a window old: 600 + 1050
    expect(waits).toEqual([600]);
  });

  it("counts the account's joins across its channels, and masters and viewers apart", async ({ expect }) => {
    const { waits, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "3" });
    await Promise.all(["a", "b", "c"].map((channel) => call("/joinStorageSession", channel)));
    await call("/joinStorageSessionAsViewer", "d", { clientId: "phone" });
    expect(waits).toEqual([]);
    // the fourth master: a full window after the first
    await call("/joinStorageSession", "e");
    expect(waits).toEqual([1050]);
  });

  it("never holds any other call", async ({ expect }) => {
    const { waits, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1" });
    for (let n = 0; n < 5; n++) await call("/getSignalingChannelEndpoint", "cam");
    expect(waits).toEqual([]);
  });
});
