/** @module Turns a non-2xx AWS rest-json answer into a `KvsError`, resolving the code as the AWS SDK v3 does. */
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
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Keeps what follows `#` and precedes `:` (`aws.ns#Code:http://…` → `Code`), as the SDK sanitizes it. */
export function sanitizeErrorCode(raw: string): string {
  let code = raw.split(",")[0] ?? raw;
  code = code.split(":")[0] ?? code;
  const hash = code.lastIndexOf("#");
  return (hash >= 0 ? code.slice(hash + 1) : code).trim();
}

function parseJsonObject(body: string): Record<string, unknown> | undefined {
  if (!body.trimStart().startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const stringField = (body: Record<string, unknown> | undefined, key: string): string | undefined => {
  const value = body?.[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
};

function redact(message: string, secrets: readonly string[]): string {
  // signature-mismatch messages echo the canonical request, which can carry the session token
  let safe = message.replace(CANONICAL_DUMP_MARKER, "");
  for (const secret of secrets) {
    if (secret.length >= 8) safe = safe.split(secret).join("[redacted]");
  }
  return safe;
}

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
  const body = parseJsonObject(answer.body);
  const rawWireCode =
    answer.headers.get("x-amzn-errortype") ??
    stringField(body, "code") ??
    stringField(body, "Code") ??
    stringField(body, "__type");
  const wireCode = rawWireCode === undefined ? undefined : sanitizeErrorCode(rawWireCode);
  const rawMessage = stringField(body, "message") ?? stringField(body, "Message");
  const message = redact(rawMessage ?? `HTTP ${answer.status} with no error message`, options.secrets ?? []);
  const common = {
    message,
    status: answer.status,
    requestId: requestIdOf(answer.headers),
    retryAfterMs: retryAfterMsOf(answer.headers, options.nowMs ?? Date.now()),
  };

  let code = wireCode === undefined ? undefined : knownCode(wireCode);
  if (code === "ClientLimitExceededException" && message.includes(VIEWER_CAP_MARKER)) {
    code = "ViewerLimitExceeded";
  }
  if (code !== undefined) return new KvsError(code, { ...common, rawCode: wireCode });

  const serverSide = answer.status >= 500;
  return new KvsError("UnknownError", {
    ...common,
    rawCode: wireCode,
    fault: serverSide ? "server" : "client",
    // as the SDK classifies them: 429 is throttling, 500/502/503/504 are transient
    throttling: answer.status === 429,
    retryable: answer.status === 429 || [500, 502, 503, 504].includes(answer.status),
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
