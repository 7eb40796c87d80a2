import { formatAmzDate } from "./amz-date.ts";
import type { AwsError } from "./aws-error.ts";

const SKEW_MS = 5 * 60 * 1000;

/** Why a request failed authentication, before it is mapped to AWS's wire error. */
export type AuthFailure =
  | { readonly kind: "missing-token" }
  | { readonly kind: "incomplete"; readonly detail: string }
  | { readonly kind: "bad-terminator"; readonly terminator: string }
  | { readonly kind: "wrong-service"; readonly expected: string }
  | { readonly kind: "wrong-region" }
  | { readonly kind: "scope-date-mismatch"; readonly scopeDate: string; readonly amzDate: string }
  | { readonly kind: "unknown-key" }
  | { readonly kind: "bad-token" }
  | { readonly kind: "expired-token" }
  | { readonly kind: "signature-expired"; readonly amzDate: string; readonly now: number }
  | { readonly kind: "signature-not-yet-current"; readonly amzDate: string; readonly now: number }
  | { readonly kind: "presign-expired" }
  | { readonly kind: "signature-mismatch" };

const forbidden = (type: AwsError["type"], message: string): AwsError => ({ type, status: 403, message });

/**
 * Maps an authentication failure to the error AWS answers with.
 *
 * @example
 * authFailureToError({ kind: "unknown-key" }).type; // "UnrecognizedClientException"
 */
export function authFailureToError(failure: AuthFailure): AwsError {
  switch (failure.kind) {
    case "missing-token":
      return forbidden("MissingAuthenticationTokenException", "Missing Authentication Token");
    case "incomplete":
      return forbidden("IncompleteSignatureException", failure.detail);
    case "bad-terminator":
      return forbidden(
        "InvalidSignatureException",
        `Credential should be scoped with a valid terminator: 'aws4_request', not '${failure.terminator}'. `,
      );
    case "wrong-service":
      return forbidden(
        "InvalidSignatureException",
        `Credential should be scoped to correct service: '${failure.expected}'. `,
      );
    case "wrong-region":
      return forbidden("InvalidSignatureException", "Credential should be scoped to a valid region. ");
    case "scope-date-mismatch":
      return forbidden(
        "InvalidSignatureException",
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${failure.scopeDate}' != '${failure.amzDate.slice(0, 8)}', from '${failure.amzDate}'.`,
      );
    case "unknown-key":
    case "bad-token":
      return forbidden(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
      );
    case "expired-token":
      return forbidden("ExpiredTokenException", "The security token included in the request is expired");
    case "signature-expired":
      return forbidden(
        "InvalidSignatureException",
        `Signature expired: ${failure.amzDate} is now earlier than ${formatAmzDate(failure.now - SKEW_MS)} (${formatAmzDate(failure.now)} - 5 min.)`,
      );
    case "signature-not-yet-current":
      return forbidden(
        "InvalidSignatureException",
        `Signature not yet current: ${failure.amzDate} is still later than ${formatAmzDate(failure.now + SKEW_MS)} (${formatAmzDate(failure.now)} + 5 min.)`,
      );
    case "presign-expired":
      return forbidden("InvalidSignatureException", "Request has expired");
    case "signature-mismatch":
      return forbidden(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      );
  }
}

/** The clock skew AWS tolerates between `X-Amz-Date` and its own clock. */
export const MAX_CLOCK_SKEW_MS = SKEW_MS;
