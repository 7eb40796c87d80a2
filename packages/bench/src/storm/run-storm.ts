/**
 * @module Section 5: a fleet reconnecting at once, through the same proxy bundle refusing or scheduling joins, then
 * a sustained run while AWS answers slowly.
 */
import { attempt, type Outcome, ratio } from "../report/row.ts";
import { type AnswerCounts, runDeviceStorm } from "./device-storm.ts";
import { stormDevices } from "./storm-fleet.ts";
import { STORM_VARIANTS, type StormVariant, VARIANT_BINDINGS } from "./storm-proxy.ts";
import { withStormStack } from "./storm-stack.ts";
import {
  ACCOUNT_JOINS_PER_SECOND,
  countRoles,
  deadlineMs,
  floorSeconds,
  type StormSummary,
  summarizeStorm,
} from "./storm-summary.ts";
import { runSustained, type SustainedPlan, type SustainedResult } from "./sustained-load.ts";
import type { UpstreamCounts } from "./upstream-calls.ts";
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
  /** Its own outcome: a failed sustained run does not cost the storm's figures. */
  sustained: Outcome<SustainedResult>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function runVariant(
  proxyCode: string,
  plan: StormPlan,
  variant: StormVariant,
  floor: number,
): Promise<StormVariantResult> {
  const devices = stormDevices(plan.devices);
  const deadline = deadlineMs(floor, plan.deadline);
  const stack = { channels: Math.ceil(plan.devices / 2), variant, joinLatencyMs: 0 };
  const run = await withStormStack(proxyCode, stack, async (proxy) => {
    const cpuBefore = await cpuSecondsOf(proxy.pids);
    const storm = await runDeviceStorm(proxy.origin, devices, {
      spreadMs: plan.spreadMs,
      deadlineMs: deadline,
    });
    const cpuAfter = await cpuSecondsOf(proxy.pids);
    const summary = summarizeStorm(storm.startedAt, storm.devices, floor);
    return {
      summary,
      answers: storm.answers,
      cpu: proxyCpu(proxy.pids, cpuBefore, cpuAfter, summary.joined),
    };
  });
  return {
    variant,
    bindings: VARIANT_BINDINGS[variant],
    deadlineSeconds: deadline / 1000,
    ...run.value,
    upstream: run.upstream,
    logCounts: run.logCounts,
  };
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
 * Then the sustained run (its own outcome). `progress` receives a line per variant and one for the sustained run.
 *
 * @example
 * ```ts
 * const result = await runStorm(proxyCode, { devices: 400, spreadMs: 100, deadline: { floorMultiple: 3, extraSeconds: 30 },
 *   pauseMs: 2000, sustained: { perRolePerSecond: 45, seconds: 8, upstreamLatencyMs: 400, extraSeconds: 30 } });
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
  const sustained = await attempt(() => runSustained(proxyCode, plan.sustained));
  const { perRolePerSecond, seconds, upstreamLatencyMs } = plan.sustained;
  const took = `in ${((performance.now() - at) / 1000).toFixed(1)} s`;
  const answered = (status: number) => (sustained.ok ? (sustained.value.answers.byStatus[status] ?? 0) : 0);
  const notSent = sustained.ok ? sustained.value.answers.joinsNotSent : 0;
  progress(
    `bench: 5 storm · sustained ${perRolePerSecond}/s per role for ${seconds} s, AWS ${upstreamLatencyMs} ms late: ` +
      (sustained.ok
        ? `${sustained.value.summary.joined} of ${sustained.value.summary.devices} joined, ${notSent} not sent (503), ${answered(504)} timed out (504), ${took}`
        : `failed: ${sustained.error}`),
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
