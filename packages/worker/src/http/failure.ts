import { type RateLimitVerdict, rateLimitHeaders } from "../limiter/rate-limit-headers.ts";

/**
 * Every way a request can fail inside the proxy. `detail` fields go to the log only; the client sees
 * the fixed message chosen in {@link toWire}.
 */
export type Failure =
  | { kind: "unknown-operation" }
  | { kind: "body-too-large" }
  | { kind: "unsupported-media-type" }
  | { kind: "invalid-input"; message: string }
  | { kind: "unauthenticated" }
  | { kind: "forbidden"; message: string }
  | { kind: "rate-limited"; verdict: RateLimitVerdict }
  | { kind: "limiter-unavailable"; detail: string }
  | { kind: "upstream-invalid-argument" }
  | { kind: "upstream-not-found" }
  | { kind: "upstream-throttled" }
  | { kind: "upstream-viewer-limit" }
  | { kind: "upstream-failed"; detail: string }
  | { kind: "upstream-timeout" }
  | { kind: "misconfigured"; detail: string }
  | { kind: "internal"; detail: string };

/** An error as AWS rest-json clients expect it: status, `x-amzn-ErrorType` and a `{"message"}` body. */
export interface WireError {
  status: number;
  type: string;
  message: string;
  headers: Record<string, string>;
}

/**
 * Maps a failure to its wire form; the only place statuses and error types are chosen.
 *
 * @example
 * ```ts
 * toWire({ kind: "unauthenticated" }).status; // 401
 * ```
 */
export function toWire(failure: Failure): WireError {
  const wire = (status: number, type: string, message: string, headers: Record<string, string> = {}) => ({
    status,
    type,
    message,
    headers,
  });
  switch (failure.kind) {
    case "unknown-operation":
      return wire(404, "UnknownOperationException", "The requested operation does not exist.");
    case "body-too-large":
      return wire(413, "RequestEntityTooLargeException", "The request body exceeds 4096 bytes.");
    case "unsupported-media-type":
      return wire(415, "UnsupportedMediaTypeException", "The request body must be application/json.");
    case "invalid-input":
      return wire(400, "InvalidArgumentException", failure.message);
    case "unauthenticated":
      return wire(401, "NotAuthorizedException", "The tenant key is missing or invalid.", {
        "WWW-Authenticate": 'Bearer realm="kvs-webrtc-storage-proxy"',
      });
    case "forbidden":
      return wire(403, "AccessDeniedException", failure.message);
    case "rate-limited":
      return wire(429, "ClientLimitExceededException", "Rate limit exceeded; retry later.", {
        ...rateLimitHeaders(failure.verdict),
      });
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
 * ```ts
 * return failureResponse({ kind: "unknown-operation" }, requestId);
 * ```
 */
export function failureResponse(failure: Failure, requestId: string): Response {
  const { status, type, message, headers } = toWire(failure);
  return Response.json(
    { message },
    {
      status,
      headers: { ...headers, "x-amzn-ErrorType": type, "x-amzn-RequestId": requestId },
    },
  );
}
