/** @module Section 1's rows: per runtime, core and smithy against aws4fetch. */
import type { SigningOutcome } from "../signing/run-signing.ts";
import { failedRow, micros, type Outcome, type Row, ratio, verdict } from "./row.ts";

/** core's goal: at most this fraction of aws4fetch's time per signature, on every runtime. */
export const CORE_SIGNING_GOAL = 0.5;

/**
 * Two rows per runtime (core, smithy); aws4fetch is the anchor of both.
 *
 * @example
 * ```ts
 * signingRows({ ok: true, value: await runSigning(plan) });
 * ```
 */
export function signingRows(outcome: Outcome<SigningOutcome[]>): Row[] {
  if (!outcome.ok) return [failedRow("1", "signing", outcome.error)];
  return outcome.value.flatMap((runtime): Row[] => {
    if (!runtime.ok) return [failedRow("1", `signing · ${runtime.runtime}`, runtime.error)];
    const { result } = runtime;
    const anchor = `aws4fetch ${micros(result.signers.aws4fetch.medianUs)}`;
    const core = result.ratioToAws4fetch.core;
    return [
      {
        section: "1",
        measurement: `signing · ${result.runtime} · core signRequest`,
        value: micros(result.signers.core.medianUs),
        anchor,
        ratio: ratio(core),
        goal: `≤ ${CORE_SIGNING_GOAL}×`,
        met: verdict(core <= CORE_SIGNING_GOAL),
      },
      {
        section: "1",
        measurement: `signing · ${result.runtime} · @smithy/signature-v4 (sha256: ${result.smithySha256})`,
        value: micros(result.signers.smithy.medianUs),
        anchor,
        ratio: ratio(result.ratioToAws4fetch.smithy),
        goal: "",
        met: "",
      },
    ];
  });
}
