/**
 * @module Section 5's sustained run: joins arriving steadily just under AWS's account rate for half a minute while
 * AWS answers slowly, so the send gate (a quota a second after the answers) passes fewer than the limiter admits.
 */
import { type AnswerCounts, runDeviceStorm } from "./device-storm.ts";
import { stormDevices } from "./storm-fleet.ts";
import { withStormStack } from "./storm-stack.ts";
import { type StormSummary, summarizeStorm } from "./storm-summary.ts";
import type { UpstreamCounts } from "./upstream-calls.ts";

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
  const devices = stormDevices(2 * plan.perRolePerSecond * plan.seconds);
  const stack = { channels: plan.perRolePerSecond * plan.seconds, variant: "scheduled" as const };
  const { value: run, upstream } = await withStormStack(
    proxyCode,
    { ...stack, joinLatencyMs: plan.upstreamLatencyMs },
    (proxy) =>
      runDeviceStorm(proxy.origin, devices, {
        spreadMs: plan.seconds * 1000,
        deadlineMs: (plan.seconds + plan.extraSeconds) * 1000,
      }),
  );
  const summary = summarizeStorm(run.startedAt, run.devices, plan.seconds);
  return { plan, summary, answers: run.answers, upstream };
}
