/**
 * @module One storm run's stack: a fresh emulator process with the storm's channels (its joins answered late if
 * asked), a fresh proxy in workerd for a variant, warmed up, and what reached "AWS" once every call was answered.
 */
import { startEmulatorProcess } from "../load/emulator-process.ts";
import { type StormProxy, type StormVariant, startStormProxy, warmUpProxy } from "./storm-proxy.ts";
import { clearUpstreamCalls, JOIN_PATHS, readUpstreamCounts, type UpstreamCounts } from "./upstream-calls.ts";

/** The stack of one run. */
export interface StormStackOptions {
  /** Channels in the emulator's data set (two devices each). */
  channels: number;
  variant: StormVariant;
  /** Added before the emulator answers each join (its `latency` fault); 0: none. */
  joinLatencyMs: number;
}

/** What a run measured, with the upstream calls it caused and the proxy's log lines by level. */
export interface StormStackRun<T> {
  value: T;
  upstream: UpstreamCounts;
  logCounts: Record<string, number>;
}

/**
 * Starts the stack, runs `work` against the warmed-up proxy with the emulator's call log emptied, stops the proxy
 * and reads the call log once it is complete; everything is stopped on every path.
 *
 * @example
 * ```ts
 * const run = await withStormStack(code, { channels: 1000, variant: "scheduled", joinLatencyMs: 0 }, (proxy) =>
 *   runDeviceStorm(proxy.origin, devices, plan));
 * ```
 */
export async function withStormStack<T>(
  proxyCode: string,
  options: StormStackOptions,
  work: (proxy: StormProxy) => Promise<T>,
): Promise<StormStackRun<T>> {
  const { channels, variant, joinLatencyMs } = options;
  const emulator = await startEmulatorProcess({
    file: "storm/storm-emulator-main.ts",
    args: [String(channels)],
  });
  try {
    for (const route of joinLatencyMs > 0 ? JOIN_PATHS : []) {
      const armed = await fetch(`${emulator.url}/_emulator/faults`, {
        method: "POST",
        body: JSON.stringify({ kind: "latency", ms: joinLatencyMs, route }),
      });
      await armed.body?.cancel();
      if (!armed.ok) throw new Error(`arming the emulator's join latency answered ${armed.status}`);
    }
    const proxy = await startStormProxy(proxyCode, emulator.url, variant);
    let value: T;
    try {
      await warmUpProxy(proxy.origin, variant);
      // from here on the emulator's log holds the run's calls only (the warm-up's are answered and cleared)
      await clearUpstreamCalls(emulator.url);
      value = await work(proxy);
    } finally {
      await proxy.stop();
    }
    // read once the proxy is gone and the calls it sent are answered, so none reaches "AWS" after the count
    const upstream = await readUpstreamCounts(emulator.url, joinLatencyMs);
    return { value, upstream, logCounts: { ...proxy.logCounts } };
  } finally {
    await emulator.stop();
  }
}
