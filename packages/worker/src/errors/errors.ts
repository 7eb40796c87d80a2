/**
 * @module Every way a proxy request can fail, and the one place each failure becomes an AWS-shaped answer:
 * status, `x-amzn-ErrorType`, a fixed `{"message"}`, and the Retry-After/RateLimit fields of a refusal.
 */
import { isKvsError, type KvsErrorCode } from "@kvs-webrtc-storage/core";

/** A value, or why there is none: the one result shape of the proxy. */
export type Result<T, E = Failure> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/**
 * The success of a `Result`.
 *
 * @example
 * return ok(config);
 */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

/**
 * The failure of a `Result`.
 *
 * @example
 * return fail({ kind: "unauthenticated" });
 */
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** Policy names shown to clients; never a tenant, key or ARN (draft-ietf-httpapi-ratelimit-headers §8.2). */
export type PolicyName = "channel" | "account" | "auth";

/** One limiter answer under the policy that produced it: what the `RateLimit` fields report. */
export interface RateLimitVerdict {
  readonly name: PolicyName;
  readonly quota: number;
  /** The window counted: its whole seconds are the policy's `w`, and bound `Retry-After`. */
  readonly windowMs: number;
  readonly allowed: boolean;
  readonly remaining: number;
  /** Milliseconds until the request could be admitted (0 when allowed). */
  readonly retryAfterMs: number;
  /** Milliseconds until the window's whole quota is free again. */
  readonly fullInMs: number;
}

/**
 * Every way a request can fail inside the proxy. `detail` fields go to the log only; the client sees
 * the fixed message chosen in {@link toWire}.
 */
export type Failure =
  | { readonly kind: "unknown-operation" }
  | { readonly kind: "body-too-large"; readonly limitBytes: number }
  | { readonly kind: "unsupported-media-type" }
  | { readonly kind: "invalid-input"; readonly message: string }
  | { readonly kind: "unauthenticated" }
  | { readonly kind: "forbidden"; readonly message: string }
  | { readonly kind: "rate-limited"; readonly verdict: RateLimitVerdict }
  | { readonly kind: "limiter-unavailable"; readonly detail: string }
  | { readonly kind: "client-closed" }
  | { readonly kind: "upstream-invalid-argument" }
  | { readonly kind: "upstream-not-found" }
  | { readonly kind: "upstream-throttled" }
  | { readonly kind: "upstream-viewer-limit" }
  | { readonly kind: "upstream-failed"; readonly detail: string }
  | { readonly kind: "upstream-timeout" }
  | { readonly kind: "join-not-sent"; readonly retryAfterMs: number }
  | { readonly kind: "misconfigured"; readonly detail: string }
  | { readonly kind: "internal"; readonly detail: string };

/** An error as AWS rest-json clients expect it: status, `x-amzn-ErrorType` and a `{"message"}` body. */
export interface WireError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

const wire = (status: number, type: string, message: string, headers: Record<string, string> = {}) => ({
  status,
  type,
  message,
  headers,
});

/**
 * Maps a failure to its wire form; the only place statuses and error types are chosen.
 *
 * @example
 * toWire({ kind: "unauthenticated" }).status; // 401
 */
export function toWire(failure: Failure): WireError {
  switch (failure.kind) {
    case "unknown-operation":
      return wire(404, "UnknownOperationException", "The requested operation does not exist.");
    case "body-too-large":
      return wire(
        413,
        "RequestEntityTooLargeException",
        `The request body exceeds ${failure.limitBytes} bytes.`,
      );
    case "unsupported-media-type":
      return wire(415, "UnsupportedMediaTypeException", "The request body must be application/json.");
    case "invalid-input":
      return wire(400, "InvalidArgumentException", failure.message);
    case "unauthenticated":
      return wire(401, "NotAuthorizedException", "The tenant key or device token is missing or invalid.", {
        "WWW-Authenticate": 'Bearer realm="kvs-webrtc-storage-proxy"',
      });
    case "forbidden":
      return wire(403, "AccessDeniedException", failure.message);
    case "rate-limited":
      return wire(429, "ClientLimitExceededException", "Rate limit exceeded; retry later.", {
        ...rateLimitHeaders(failure.verdict),
      });
    case "client-closed":
      // nobody reads it: the status is for the log line (nginx's "client closed request")
      return wire(499, "ClientClosedRequest", "The client closed the request.");
    case "limiter-unavailable":
      return wire(503, "ServiceUnavailableException", "The rate limiter is unavailable; retry later.", {
        "Retry-After": "1",
      });
    case "upstream-invalid-argument":
      return wire(400, "InvalidArgumentException", "The service rejected the request arguments.");
    case "upstream-not-found":
      return wire(404, "ResourceNotFoundException", "The signaling channel was not found.");
    case "upstream-throttled":
      return wire(
        429,
        "ClientLimitExceededException",
        "The service is throttling this channel; retry later.",
        {
          "Retry-After": "1",
        },
      );
    case "upstream-viewer-limit":
      return wire(
        400,
        "ClientLimitExceededException",
        "The channel has reached its maximum number of viewers.",
      );
    case "upstream-failed":
      return wire(502, "BadGatewayException", "The upstream service failed; retry later.");
    case "upstream-timeout":
      return wire(504, "GatewayTimeoutException", "The upstream service did not answer in time.");
    case "join-not-sent":
      // the join never left: unlike after a 504, the device knows that asking again joins once
      return wire(
        503,
        "ServiceUnavailableException",
        "The join was not sent: AWS is answering slowly; retry later.",
        {
          "Retry-After": String(Math.max(1, Math.ceil(failure.retryAfterMs / 1000))),
        },
      );
    case "misconfigured":
      return wire(500, "InternalFailure", "The proxy is not configured correctly.");
    case "internal":
      return wire(500, "InternalFailure", "An internal error occurred.");
    default:
      return failure satisfies never;
  }
}

/**
 * Builds the response for a failure.
 *
 * @example
 * return failureResponse({ kind: "unknown-operation" }, requestId);
 */
export function failureResponse(failure: Failure, requestId: string): Response {
  const { status, type, message, headers } = toWire(failure);
  return Response.json(
    { message },
    { status, headers: { ...headers, "x-amzn-ErrorType": type, "x-amzn-RequestId": requestId } },
  );
}

/**
 * The IETF `RateLimit-Policy` / `RateLimit` fields and, when refused, `Retry-After` (whole seconds, at least 1,
 * never earlier than the `t` it advertises; within a window rounded up, a later turn rounded down).
 *
 * @example
 * rateLimitHeaders(verdict);
 * // { "RateLimit-Policy": '"channel";q=2;w=1', RateLimit: '"channel";r=0;t=1', "Retry-After": "1" }
 */
export function rateLimitHeaders(verdict: RateLimitVerdict): Record<string, string> {
  const { name, quota, windowMs } = verdict;
  // a window is declared in whole seconds; the proxy's small safety margin beyond them is its own business
  const windowSeconds = Math.max(1, Math.floor(windowMs / 1000));
  const headers: Record<string, string> = { "RateLimit-Policy": `"${name}";q=${quota};w=${windowSeconds}` };
  if (verdict.allowed) {
    headers.RateLimit = `"${name}";r=${verdict.remaining};t=${Math.ceil(verdict.fullInMs / 1000)}`;
    return headers;
  }
  // a turn further off than a window is rounded down: the device comes up to a second early and is held for it
  const retryAfter =
    verdict.retryAfterMs > windowMs
      ? Math.floor(verdict.retryAfterMs / 1000)
      : Math.min(Math.ceil(windowMs / 1000), Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)));
  headers.RateLimit = `"${name}";r=0;t=${retryAfter}`;
  headers["Retry-After"] = String(retryAfter);
  return headers;
}

/** A failed call to AWS: the failure to answer with, and AWS's status and request id for the log. */
export type UpstreamFailure = Result<never> & {
  readonly upstreamStatus?: number | undefined;
  readonly upstreamRequestId?: string | undefined;
};

/**
 * Maps what core threw while calling AWS. Upstream auth errors and faults are ours to fix, not the
 * device's, so they become a generic 502 with the AWS code kept for the log only.
 *
 * @example
 * try { … } catch (error) { return upstreamFailure(error); } // ResourceNotFoundException → 404
 */
export function upstreamFailure(error: unknown): UpstreamFailure {
  if (!isKvsError(error)) return fail({ kind: "internal", detail: "unexpected upstream error" });
  return {
    ...fail(upstreamKind(error.code, error.status)),
    upstreamStatus: error.status,
    upstreamRequestId: error.requestId,
  };
}

function upstreamKind(code: KvsErrorCode, status: number): Failure {
  switch (code) {
    case "ResourceNotFoundException":
      return { kind: "upstream-not-found" };
    case "InvalidArgumentException":
      return { kind: "upstream-invalid-argument" };
    case "ClientLimitExceededException":
    case "ThrottlingException":
      return { kind: "upstream-throttled" };
    case "ViewerLimitExceeded":
      return { kind: "upstream-viewer-limit" };
    case "TimeoutError":
    case "RequestTimeoutException":
    // the only signal handed to core is the proxy's own upstream deadline
    case "AbortError":
      return { kind: "upstream-timeout" };
    default:
      // auth errors are our IAM's, faults AWS's or the network's: none is the device's to fix
      return { kind: "upstream-failed", detail: `${code} ${status}` };
  }
}
