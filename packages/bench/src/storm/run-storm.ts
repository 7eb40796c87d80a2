/** @module Section 5: a fleet reconnecting at once, through the same proxy bundle refusing or scheduling joins. */
import { startEmulatorProcess } from "../load/emulator-process.ts";
import { ratio } from "../report/row.ts";
import { type AnswerCounts, runDeviceStorm } from "./device-storm.ts";
import { stormDevices } from "./storm-fleet.ts";
import {
  STORM_VARIANTS,
  type StormVariant,
  startStormProxy,
  VARIANT_BINDINGS,
  warmUpProxy,
} from "./storm-proxy.ts";
import {
  ACCOUNT_JOINS_PER_SECOND,
  countRoles,
  deadlineMs,
  floorSeconds,
  type StormSummary,
  summarizeStorm,
} from "./storm-summary.ts";
import { runSustained, type SustainedPlan, type SustainedResult } from "./sustained-load.ts";
import { clearUpstreamCalls, readUpstreamCounts, type UpstreamCounts } from "./upstream-calls.ts";
import { cpuSecondsOf } from "./workerd-cpu.ts";

/** How big the storm is and how long a run may take. */
export interface StormPlan {
  /** Devices, two per channel (a master and a viewer) of one account. */
  devices: number;
  /** Every device's first request starts within this. */
  spreadMs: number;
  /** A run ends at floor × `floorMultiple` + `extraSeconds`; devices not joined by then are counted. */
  deadline: { floorMultiple: number; extraSeconds: number };
  /** Quiet time between the variants (each also gets a fresh emulator and workerd). */
  pauseMs: number;
  /** The run after the storm: steady arrivals while AWS answers slowly. */
  sustained: SustainedPlan;
}

/** The proxy's CPU over a run: workerd's utime + stime from /proc, or why it could not be read. */
export type ProxyCpu =
  | { measured: true; cpuSeconds: number; perJoinMs: number; pids: number[] }
  | { measured: false; reason: string };

/** One variant's figures. */
export interface StormVariantResult {
  variant: StormVariant;
  bindings: Readonly<Record<string, string>>;
  deadlineSeconds: number;
  summary: StormSummary;
  answers: AnswerCounts;
  upstream: UpstreamCounts;
  cpu: ProxyCpu;
  /** Lines the proxy logged, by level. */
  logCounts: Record<string, number>;
}

/** Section 5's figures. */
export interface StormResult {
  devices: number;
  channels: number;
  accountJoinsPerSecond: number;
  floorSeconds: number;
  /** How the floor is computed, for the report. */
  floorRule: string;
  variants: StormVariantResult[];
  sustained: SustainedResult;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function runVariant(
  proxyCode: string,
  plan: StormPlan,
  variant: StormVariant,
  floor: number,
): Promise<StormVariantResult> {
  const devices = stormDevices(plan.devices);
  const channels = String(Math.ceil(plan.devices / 2));
  const emulator = await startEmulatorProcess({ file: "storm/storm-emulator-main.ts", args: [channels] });
  try {
    const proxy = await startStormProxy(proxyCode, emulator.url, variant);
    const deadline = deadlineMs(floor, plan.deadline);
    let measured: Pick<StormVariantResult, "summary" | "answers" | "cpu">;
    try {
      await warmUpProxy(proxy.origin, variant);
      // from here on the emulator's log holds the storm's calls only (the warm-up's are done and cleared)
      await clearUpstreamCalls(emulator.url);
      const cpuBefore = await cpuSecondsOf(proxy.pids);
      const run = await runDeviceStorm(proxy.origin, devices, {
        spreadMs: plan.spreadMs,
        deadlineMs: deadline,
      });
      const cpuAfter = await cpuSecondsOf(proxy.pids);
      const summary = summarizeStorm(run.startedAt, run.devices, floor);
      const cpu = proxyCpu(proxy.pids, cpuBefore, cpuAfter, summary.joined);
      measured = { summary, answers: run.answers, cpu };
    } finally {
      await proxy.stop();
    }
    // read once the proxy is gone, so a request cut at the deadline cannot reach "AWS" after the count
    const upstream = await readUpstreamCounts(emulator.url);
    return {
      variant,
      bindings: VARIANT_BINDINGS[variant],
      deadlineSeconds: deadline / 1000,
      summary: measured.summary,
      answers: measured.answers,
      upstream,
      cpu: measured.cpu,
      logCounts: { ...proxy.logCounts },
    };
  } finally {
    await emulator.stop();
  }
}

function proxyCpu(
  pids: number[],
  before: number | undefined,
  after: number | undefined,
  joins: number,
): ProxyCpu {
  if (pids.length === 0) return { measured: false, reason: "no workerd process found under this one" };
  if (before === undefined || after === undefined) return { measured: false, reason: "workerd exited" };
  const cpuSeconds = after - before;
  return {
    measured: true,
    cpuSeconds,
    perJoinMs: joins > 0 ? (cpuSeconds * 1000) / joins : Number.NaN,
    pids,
  };
}

/**
 * Runs the storm once per variant, each against a fresh emulator and a fresh workerd holding the proxy bundle.
 * `progress` receives a line per variant.
 *
 * @example
 * ```ts
 * const result = await runStorm(proxyCode, { devices: 400, spreadMs: 100, deadline: { floorMultiple: 3, extraSeconds: 30 }, pauseMs: 2000 });
 * ```
 */
export async function runStorm(
  proxyCode: string,
  plan: StormPlan,
  progress: (line: string) => void = () => {},
): Promise<StormResult> {
  const roles = countRoles(stormDevices(plan.devices));
  const floor = floorSeconds(roles);
  const variants: StormVariantResult[] = [];
  for (const variant of STORM_VARIANTS) {
    if (variants.length > 0) await sleep(plan.pauseMs);
    const at = performance.now();
    const result = await runVariant(proxyCode, plan, variant, floor);
    const { completionToFloor, requestsPerDevice, notJoined } = result.summary;
    progress(
      `bench: 5 storm · ${variant}: ${ratio(completionToFloor)} floor, ${requestsPerDevice.toFixed(2)} requests/device, ` +
        `${notJoined} not joined, in ${((performance.now() - at) / 1000).toFixed(1)} s`,
    );
    variants.push(result);
  }
  await sleep(plan.pauseMs);
  const at = performance.now();
  const sustained = await runSustained(proxyCode, plan.sustained);
  const { perRolePerSecond, seconds, upstreamLatencyMs } = plan.sustained;
  progress(
    `bench: 5 storm · sustained ${perRolePerSecond}/s per role for ${seconds} s, AWS ${upstreamLatencyMs} ms late: ` +
      `${sustained.summary.joined} of ${sustained.summary.devices} joined, ${sustained.answers.byStatus["503"] ?? 0} not sent (503), ` +
      `${sustained.answers.byStatus["504"] ?? 0} timed out (504), in ${((performance.now() - at) / 1000).toFixed(1)} s`,
  );
  return {
    devices: plan.devices,
    channels: Math.ceil(plan.devices / 2),
    accountJoinsPerSecond: ACCOUNT_JOINS_PER_SECOND,
    floorSeconds: floor,
    floorRule: `max(${roles.master} masters, ${roles.viewer} viewers) ÷ ${ACCOUNT_JOINS_PER_SECOND}/s per join operation and account`,
    variants,
    sustained,
  };
}
