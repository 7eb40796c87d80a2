/** @module Turns a non-2xx AWS rest-json answer into a `KvsError`, resolving the code as the AWS SDK v3 does. */
import { parseJsonObject } from "../utils/json.ts";
import { knownCode } from "./error-codes.ts";
import { KvsError } from "./kvs-error.ts";

const VIEWER_CAP_MARKER = "maximum number of viewers";
const CANONICAL_DUMP_MARKER = /\s*The Canonical String for this request should have been[\s\S]*$/;

export interface ErrorAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** `x-amzn-RequestId` under any of the spellings AWS services use. */
export function requestIdOf(headers: Headers): string | undefined {
  return (
    headers.get("x-amzn-requestid") ??
    headers.get("x-amzn-request-id") ??
    headers.get("x-amz-request-id") ??
    undefined
  );
}

/** `Retry-After` (seconds or HTTP-date) or `x-amz-retry-after` (ms), in ms. */
export function retryAfterMsOf(headers: Headers, nowMs: number): number | undefined {
  const amz = headers.get("x-amz-retry-after");
  if (amz !== null && /^\d+$/.test(amz)) return Number(amz);
  // Headers already trimmed both values
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Keeps what follows `#` and precedes `:` (`aws.ns#Code:http://…` → `Code`), as the SDK sanitizes it. */
export function sanitizeErrorCode(raw: string): string {
  return (raw.split(/[,:]/, 1)[0]?.split("#").pop() ?? "").trim();
}

const stringField = (body: Record<string, unknown> | undefined, ...keys: string[]): string | undefined =>
  keys.map((key) => body?.[key]).find((value): value is string => typeof value === "string" && value !== "");

/**
 * Builds the `KvsError` for an AWS error answer.
 *
 * @example
 * const answer = { status: response.status, headers: response.headers, body: await response.text() };
 * const error = parseAwsError(answer, { secrets: [sessionToken] });
 */
export function parseAwsError(
  answer: ErrorAnswer,
  options: { readonly secrets?: readonly string[]; readonly nowMs?: number } = {},
): KvsError {
  const { status, headers } = answer;
  const body = parseJsonObject(answer.body);
  const raw = headers.get("x-amzn-errortype") ?? stringField(body, "code", "Code", "__type");
  const rawCode = raw === undefined ? undefined : sanitizeErrorCode(raw);
  // signature-mismatch messages echo the canonical request, which can carry the session token
  let message = (stringField(body, "message", "Message") ?? `HTTP ${status} with no error message`).replace(
    CANONICAL_DUMP_MARKER,
    "",
  );
  for (const secret of options.secrets ?? []) {
    if (secret.length >= 8) message = message.split(secret).join("[redacted]");
  }
  const common = {
    message,
    status,
    requestId: requestIdOf(headers),
    retryAfterMs: retryAfterMsOf(headers, options.nowMs ?? Date.now()),
    rawCode,
  };
  let code = rawCode === undefined ? undefined : knownCode(rawCode);
  if (code === "ClientLimitExceededException" && message.includes(VIEWER_CAP_MARKER)) {
    code = "ViewerLimitExceeded";
  }
  if (code !== undefined) return new KvsError(code, common);
  // as the SDK classifies them: 429 is throttling, 500/502/503/504 are transient
  return new KvsError("UnknownError", {
    ...common,
    fault: status >= 500 ? "server" : "client",
    throttling: status === 429,
    retryable: status === 429 || [500, 502, 503, 504].includes(status),
  });
}

/** True for the AWS answers that mean "your clock is off", which a re-sign with a corrected clock fixes. */
export function isClockSkewError(error: KvsError): boolean {
  if (error.code === "RequestExpired") return true;
  const raw = error.rawCode ?? error.code;
  if (["RequestTimeTooSkewed", "RequestInTheFuture", "AuthFailure"].includes(raw)) return true;
  return (
    (error.code === "InvalidSignatureException" || raw === "SignatureDoesNotMatch") &&
    /Signature (expired|not yet current)/.test(error.message)
  );
}
