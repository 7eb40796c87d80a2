/** @module Section 1's rows: per runtime, core (parts and `Request`) and smithy against aws4fetch. */
import type { SigningResult } from "../signing/measure-signing.ts";
import type { SigningOutcome } from "../signing/run-signing.ts";
import { ANCHOR_OF, type SignerName } from "../signing/signer-names.ts";
import { failedRow, micros, type Outcome, type Row, ratio, verdict } from "./row.ts";

/** core's goal: at most this fraction of its aws4fetch anchor's time per signature, on every runtime. */
export const CORE_SIGNING_GOAL = 0.5;

/** How the table names each signer (the anchors appear in the anchor column). */
const LABELS: Record<SignerName, string> = {
  core: "core signRequest (parts)",
  aws4fetch: "aws4fetch AwsV4Signer",
  coreRequest: "core signRequest(Request)",
  aws4fetchClient: "aws4fetch AwsClient.sign(Request)",
  smithy: "@smithy/signature-v4",
};

/** One signer's row against its anchor; only core's rows carry the goal. */
function signerRow(result: SigningResult, signer: "core" | "coreRequest" | "smithy"): Row {
  const anchor = ANCHOR_OF[signer];
  const value = result.ratioToAnchor[signer];
  const withGoal = signer !== "smithy";
  const label = withGoal ? LABELS[signer] : `${LABELS[signer]} (sha256: ${result.smithySha256})`;
  return {
    section: "1",
    measurement: `signing · ${result.runtime} · ${label}`,
    value: micros(result.signers[signer].medianUs),
    anchor: `${LABELS[anchor]} ${micros(result.signers[anchor].medianUs)}`,
    ratio: ratio(value),
    goal: withGoal ? `≤ ${CORE_SIGNING_GOAL}×` : "",
    met: withGoal ? verdict(value <= CORE_SIGNING_GOAL) : "",
  };
}

/**
 * Three rows per runtime: core given the request's parts (anchor: aws4fetch's `AwsV4Signer`), core given
 * a `Request` (anchor: aws4fetch's `AwsClient.sign`), and smithy (anchor: `AwsV4Signer`).
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
    return [signerRow(result, "core"), signerRow(result, "coreRequest"), signerRow(result, "smithy")];
  });
}
