import { isKvsError } from "@kvs-webrtc-storage/core";
import type { Failure } from "../http/failure.ts";
import type { Forwarded } from "../routes/operation.ts";

/**
 * Maps what core threw to a failure. Upstream auth errors and faults are ours to fix, not the
 * device's, so they become a generic 502 with the AWS code kept for the log only.
 */
function upstreamFailure(error: unknown): Failure {
  if (!isKvsError(error)) return { kind: "internal", detail: "unexpected upstream error" };
  const detail = `${error.code} ${error.status}`;
  switch (error.code) {
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
    // The only signal handed to core is the proxy's own upstream deadline.
    case "AbortError":
      return { kind: "upstream-timeout" };
    case "AccessDeniedException":
    case "InvalidSignatureException":
    case "UnrecognizedClientException":
    case "ExpiredTokenException":
    case "IncompleteSignature":
    case "RequestExpired":
    case "InternalFailure":
    case "ServiceUnavailable":
    case "NetworkError":
    case "UntrustedEndpoint":
    case "UnknownError":
      return { kind: "upstream-failed", detail };
    default:
      return error.code satisfies never;
  }
}

/**
 * The forwarding result for an error thrown by core, with AWS's status and request id for the log.
 *
 * @example
 * ```ts
 * try { … } catch (error) { return forwardingFailed(error); }
 * ```
 */
export function forwardingFailed(error: unknown): Forwarded {
  const failure = upstreamFailure(error);
  if (!isKvsError(error)) return { ok: false, failure };
  return { ok: false, failure, upstreamStatus: error.status, upstreamRequestId: error.requestId };
}
