/** @module Section 5's rows: the fleet storm, the reject baseline beside the scheduled proxy, and the sustained run. */
import type { StormResult, StormVariantResult } from "../storm/run-storm.ts";
import type { StormVariant } from "../storm/storm-proxy.ts";
import type { SustainedResult } from "../storm/sustained-load.ts";
import { failedRow, type Outcome, type Row, ratio, rowOf, verdict } from "./row.ts";

/** Goals of the scheduled variant: near the floor, about one request per device, nothing throttled upstream. */
export const STORM_GOALS = { completionToFloor: 1.15, requestsPerDevice: 1.3, upstreamThrottles: 0 } as const;

const LABELS: Record<StormVariant, string> = {
  reject: "reject (MAX_QUEUE_WAIT_MS 0)",
  scheduled: "scheduled (default wait)",
  held: "scheduled (30 s wait)",
};

/** @example `count(2000)` → `"2,000"` */
const count = (value: number): string => value.toLocaleString("en-US");

/** @example `seconds(12.345)` → `"12.3 s"`; a device that never joined makes it `"∞"` */
const seconds = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} s` : "∞");

const row = (measurement: string, value: string, extra: Partial<Row> = {}) =>
  rowOf("5", measurement, value, extra);

function variantRows(
  result: StormResult,
  figures: StormVariantResult,
  baseline: StormVariantResult | undefined,
) {
  const { summary, upstream, cpu, variant } = figures;
  const scheduled = variant !== "reject";
  const name = `storm · ${LABELS[variant]}`;
  const versus = (mine: number, theirs: number | undefined) =>
    baseline !== undefined && theirs !== undefined ? ratio(mine / theirs) : "";
  const cpuOf = (figures: StormVariantResult | undefined) =>
    figures?.cpu.measured === true ? figures.cpu.perJoinMs : undefined;
  const cpuPerJoin = cpuOf(figures);
  // a goal counts only when every device joined: a run cut at its deadline meets "0 throttles" vacuously
  const clean = summary.notJoined === 0;
  return [
    row(
      `${name} · completion of ${count(result.devices)} devices ÷ floor`,
      seconds(summary.completionSeconds),
      {
        anchor: `floor ${seconds(result.floorSeconds)}`,
        ratio: ratio(summary.completionToFloor),
        goal: scheduled ? `≤ ${STORM_GOALS.completionToFloor}× floor` : "",
        met: scheduled ? verdict(clean && summary.completionToFloor <= STORM_GOALS.completionToFloor) : "",
      },
    ),
    row(`${name} · proxy requests per device`, summary.requestsPerDevice.toFixed(2), {
      anchor: baseline ? `reject ${baseline.summary.requestsPerDevice.toFixed(2)}` : "",
      ratio: versus(summary.requestsPerDevice, baseline?.summary.requestsPerDevice),
      goal: scheduled ? `≤ ${STORM_GOALS.requestsPerDevice}` : "",
      met: scheduled ? verdict(clean && summary.requestsPerDevice <= STORM_GOALS.requestsPerDevice) : "",
    }),
    row(
      `${name} · upstream ClientLimitExceededException (emulator's log; of ${count(upstream.joinCalls)} joins, ${count(upstream.otherCalls)} other calls)`,
      String(upstream.joinThrottles + upstream.otherThrottles),
      {
        goal: scheduled ? `= ${STORM_GOALS.upstreamThrottles}` : "",
        met: scheduled
          ? verdict(
              clean && upstream.joinThrottles + upstream.otherThrottles === STORM_GOALS.upstreamThrottles,
            )
          : "",
      },
    ),
    row(
      `${name} · time to join p50 / p99 · not joined by the deadline (${seconds(figures.deadlineSeconds)})`,
      `${seconds(summary.timeToJoinSeconds.p50)} / ${seconds(summary.timeToJoinSeconds.p99)} · ${summary.notJoined}`,
    ),
    row(
      `${name} · proxy CPU per admitted join (workerd utime + stime ÷ ${count(summary.joined)} joins answered 200)`,
      cpuPerJoin === undefined
        ? `not measured${cpu.measured ? "" : `: ${cpu.reason}`}`
        : Number.isFinite(cpuPerJoin)
          ? `${cpuPerJoin.toFixed(2)} ms`
          : "no joins",
      {
        anchor: baseline && cpuOf(baseline) !== undefined ? `reject ${cpuOf(baseline)?.toFixed(2)} ms` : "",
        ratio: cpuPerJoin === undefined ? "" : versus(cpuPerJoin, cpuOf(baseline)),
      },
    ),
  ];
}

// what the sustained run shows: every device joins, none is left guessing (504: sent or not?), none joins twice;
// verdicts only when every device joined, as a run cut at its deadline would meet them vacuously
function sustainedRows(outcome: Outcome<SustainedResult>): Row[] {
  if (!outcome.ok) return [failedRow("5", "storm · sustained", outcome.error)];
  const { plan, summary, answers, upstream } = outcome.value;
  const name = `storm · sustained ${plan.perRolePerSecond} joins/s per role for ${plan.seconds} s, AWS answering ${plan.upstreamLatencyMs} ms late`;
  const status = (code: string) => answers.byStatus[code] ?? 0;
  // the limiter's own 503s (unavailable) count with the other failures
  const otherFailures =
    Object.entries(answers.byStatus)
      .filter(([code]) => !["0", "200", "429", "504"].includes(code))
      .reduce((sum, [, times]) => sum + times, 0) - answers.joinsNotSent;
  const throttles = upstream.joinThrottles + upstream.otherThrottles;
  const clean = summary.notJoined === 0;
  const judged = (met: boolean) => verdict(clean && met);
  return [
    row(`${name} · devices joined`, `${count(summary.joined)} of ${count(summary.devices)}`, {
      goal: "all",
      met: verdict(clean),
    }),
    row(
      `${name} · answers 503 (join not sent) · 504 (sent or not?) · other 4xx/5xx · cut (no answer)`,
      `${count(answers.joinsNotSent)} · ${count(status("504"))} · ${count(otherFailures)} · ${count(status("0"))}`,
      { goal: "no 504, no other", met: judged(status("504") === 0 && otherFailures === 0) },
    ),
    row(
      `${name} · devices whose join AWS took twice (emulator's log; ${count(upstream.joinCalls)} joins)`,
      count(upstream.joinedTwice),
      { goal: "0", met: judged(upstream.joinedTwice === 0) },
    ),
    row(`${name} · upstream ClientLimitExceededException`, String(throttles), {
      goal: "= 0",
      met: judged(throttles === 0),
    }),
    row(
      `${name} · time to join p50 / p99 · proxy requests per device · last join after the first arrival`,
      `${seconds(summary.timeToJoinSeconds.p50)} / ${seconds(summary.timeToJoinSeconds.p99)} · ${summary.requestsPerDevice.toFixed(2)} · ${seconds(summary.completionSeconds)}`,
    ),
  ];
}

/**
 * Rows for section 5, the reject baseline first; the scheduled variant carries the goals and its ratios to
 * the baseline.
 *
 * @example
 * ```ts
 * stormRows({ ok: true, value: await runStorm(proxyCode, plan) });
 * ```
 */
export function stormRows(outcome: Outcome<StormResult>): Row[] {
  if (!outcome.ok) return [failedRow("5", "storm", outcome.error)];
  const result = outcome.value;
  const baseline = result.variants.find((figures) => figures.variant === "reject");
  return [
    ...result.variants.flatMap((figures) =>
      variantRows(result, figures, figures.variant === "reject" ? undefined : baseline),
    ),
    ...sustainedRows(result.sustained),
  ];
}
