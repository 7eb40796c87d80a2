/** @module Section 4's rows: one AWS account's limiter object. */
import type { LimiterResult } from "../limiter/run-limiter.ts";
import { failedRow, type Outcome, perSecond, type Row, verdict } from "./row.ts";

/**
 * Rows for section 4; the burst must admit exactly the quota but the one join held for a newcomer.
 *
 * @example
 * ```ts
 * limiterRows({ ok: true, value: await runLimiter(proxyCode, plan) });
 * ```
 */
export function limiterRows(outcome: Outcome<LimiterResult>): Row[] {
  if (!outcome.ok) return [failedRow("4", "limiter", outcome.error)];
  const result = outcome.value;
  const { p50, p99 } = result.sequentialLatencyMs;
  return [
    {
      section: "4",
      measurement: `limiter · join decisions under a flood, one account's Durable Object (SQLite on disk, ${result.inFlight} in flight)`,
      value: perSecond(result.decisionsPerSecond),
      anchor: "",
      ratio: "",
      goal: "",
      met: "",
    },
    {
      section: "4",
      measurement: "limiter · decision latency p50 / p99 (whole ms: workerd's clock) and mean, one caller",
      value: `${p50} / ${p99} ms (mean ${result.sequentialMeanMs.toFixed(2)} ms)`,
      anchor: "",
      ratio: "",
      goal: "",
      met: "",
    },
    {
      section: "4",
      measurement: `limiter · admitted of a ${result.burstRequests}-request concurrent burst`,
      value: String(result.burstAdmitted),
      anchor: `quota ${result.burstQuota}`,
      ratio: "",
      goal: "= quota − 1 held",
      met: verdict(result.burstAdmitted === result.burstQuota - 1),
    },
  ];
}
