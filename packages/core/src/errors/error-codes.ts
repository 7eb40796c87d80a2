/** @module The closed set of error codes the client reports, with what each one means for a caller. */

/** Every `KvsError.code`: AWS codes as AWS spells them, plus the client's own transport codes. */
export type KvsErrorCode =
  | "AccessDeniedException"
  | "ClientLimitExceededException"
  | "ViewerLimitExceeded"
  | "InvalidArgumentException"
  | "ResourceNotFoundException"
  | "InvalidSignatureException"
  | "UnrecognizedClientException"
  | "ExpiredTokenException"
  | "IncompleteSignature"
  | "RequestExpired"
  | "ThrottlingException"
  | "InternalFailure"
  | "ServiceUnavailable"
  | "RequestTimeoutException"
  | "NetworkError"
  | "TimeoutError"
  | "AbortError"
  | "UntrustedEndpoint"
  | "UnknownError";

/** Which side caused a failure, in AWS's terms (sender or receiver). */
export type ErrorFault = "client" | "server";

export interface ErrorTraits {
  readonly status: number;
  readonly retryable: boolean;
  readonly throttling: boolean;
  readonly fault: ErrorFault;
}

/** HTTP status per code, 0 where there was no answer; `UnknownError` takes the status it was answered with. */
const STATUS: Readonly<Record<KvsErrorCode, number>> = {
  AccessDeniedException: 403,
  ClientLimitExceededException: 400,
  ViewerLimitExceeded: 400,
  InvalidArgumentException: 400,
  ResourceNotFoundException: 404,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
  IncompleteSignature: 403,
  RequestExpired: 400,
  ThrottlingException: 400,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  RequestTimeoutException: 408,
  NetworkError: 0,
  TimeoutError: 0,
  AbortError: 0,
  UntrustedEndpoint: 0,
  UnknownError: 0,
};
const THROTTLING = new Set<string>(["ClientLimitExceededException", "ThrottlingException"]);
// ViewerLimitExceeded is not here: waiting does not free a viewer slot, so retrying it only burns quota
const TRANSIENT = new Set<string>([
  "InternalFailure",
  "ServiceUnavailable",
  "RequestTimeoutException",
  "NetworkError",
  "TimeoutError",
]);
const SERVER_FAULTS = new Set<string>([
  "InternalFailure",
  "ServiceUnavailable",
  "NetworkError",
  "TimeoutError",
  "UntrustedEndpoint",
]);

/** Default traits of a code; `UnknownError`'s are refined from the HTTP status at parse time. */
export function traitsOf(code: KvsErrorCode): ErrorTraits {
  const throttling = THROTTLING.has(code);
  const fault = SERVER_FAULTS.has(code) ? "server" : "client";
  return { status: STATUS[code], retryable: throttling || TRANSIENT.has(code), throttling, fault };
}

/** AWS spells some codes differently per protocol; these are the same condition. */
const CODE_ALIASES: Readonly<Record<string, KvsErrorCode>> = {
  IncompleteSignatureException: "IncompleteSignature",
  RequestExpiredException: "RequestExpired",
  InternalFailureException: "InternalFailure",
  InternalServerError: "InternalFailure",
  ServiceUnavailableException: "ServiceUnavailable",
  Throttling: "ThrottlingException",
  ThrottledException: "ThrottlingException",
  TooManyRequestsException: "ThrottlingException",
  RequestThrottled: "ThrottlingException",
  RequestThrottledException: "ThrottlingException",
  RequestTimeout: "RequestTimeoutException",
};

/** Maps a wire code to a known code, or `undefined` when the service sent one we do not model. */
export function knownCode(wireCode: string): KvsErrorCode | undefined {
  // own keys only: a wire code such as "toString" must not find Object.prototype's
  if (Object.hasOwn(CODE_ALIASES, wireCode)) return CODE_ALIASES[wireCode];
  // the codes the client reports itself (status 0) are never the service's
  return Object.hasOwn(STATUS, wireCode) && STATUS[wireCode as KvsErrorCode] > 0
    ? (wireCode as KvsErrorCode)
    : undefined;
}
