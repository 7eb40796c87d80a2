/**
 * @module Section 5's sustained run: joins arriving steadily just under AWS's account rate for half a minute while
 * AWS answers slowly, so the send gate (a quota a second after the answers) passes fewer than the limiter admits.
 */
import { startEmulatorProcess } from "../load/emulator-process.ts";
import { type AnswerCounts, runDeviceStorm } from "./device-storm.ts";
import { stormDevices } from "./storm-fleet.ts";
import { startStormProxy, warmUpProxy } from "./storm-proxy.ts";
import { type StormSummary, summarizeStorm } from "./storm-summary.ts";
import { clearUpstreamCalls, readUpstreamCounts, type UpstreamCounts } from "./upstream-calls.ts";

/** How the devices arrive and how late AWS (the emulator) answers each join. */
export interface SustainedPlan {
  /** New devices a second in each role (masters and viewers alike), evenly spread. */
  perRolePerSecond: number;
  /** How long new devices keep arriving. */
  seconds: number;
  /** Added before the emulator answers each join. */
  upstreamLatencyMs: number;
  /** Time after the last arrival before the run is cut and the devices not joined are counted. */
  extraSeconds: number;
}

/** The sustained run's figures; its summary's floor is the arrival span. */
export interface SustainedResult {
  plan: SustainedPlan;
  summary: StormSummary;
  answers: AnswerCounts;
  upstream: UpstreamCounts;
}

const JOIN_ROUTES = ["/joinStorageSession", "/joinStorageSessionAsViewer"];

/**
 * Runs the default proxy (3 s hold) against an emulator answering every join `upstreamLatencyMs` late, devices
 * arriving steadily and retrying as told, and counts what they were answered and what reached "AWS".
 *
 * @example
 * ```ts
 * const result = await runSustained(proxyCode, { perRolePerSecond: 45, seconds: 30, upstreamLatencyMs: 400, extraSeconds: 60 });
 * ```
 */
export async function runSustained(proxyCode: string, plan: SustainedPlan): Promise<SustainedResult> {
  const count = 2 * plan.perRolePerSecond * plan.seconds;
  const devices = stormDevices(count);
  const emulator = await startEmulatorProcess({
    file: "storm/storm-emulator-main.ts",
    args: [String(Math.ceil(count / 2))],
  });
  try {
    for (const route of JOIN_ROUTES) {
      const fault = { kind: "latency", ms: plan.upstreamLatencyMs, route };
      const armed = await fetch(`${emulator.url}/_emulator/faults`, {
        method: "POST",
        body: JSON.stringify(fault),
      });
      await armed.body?.cancel();
      if (!armed.ok) throw new Error(`arming the emulator's join latency answered ${armed.status}`);
    }
    const proxy = await startStormProxy(proxyCode, emulator.url, "scheduled");
    let measured: Omit<SustainedResult, "plan" | "upstream">;
    try {
      await warmUpProxy(proxy.origin, "sustained");
      await clearUpstreamCalls(emulator.url);
      const run = await runDeviceStorm(proxy.origin, devices, {
        spreadMs: plan.seconds * 1000,
        deadlineMs: (plan.seconds + plan.extraSeconds) * 1000,
      });
      measured = { summary: summarizeStorm(run.startedAt, run.devices, plan.seconds), answers: run.answers };
    } finally {
      await proxy.stop();
    }
    // read once the proxy is gone, so a request cut at the deadline cannot reach "AWS" after the count
    return { plan, ...measured, upstream: await readUpstreamCounts(emulator.url) };
  } finally {
    await emulator.stop();
  }
}
