/** @module The closed set of error codes the client reports, with what each one means for a caller. */

/** Every `KvsError.code`: AWS codes as AWS spells them, plus the client's own transport codes. */
export type KvsErrorCode =
  | "AccessDeniedException"
  | "NotAuthorizedException"
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

const clientError = (status: number): ErrorTraits => ({
  status,
  retryable: false,
  throttling: false,
  fault: "client",
});
const throttled: ErrorTraits = { status: 400, retryable: true, throttling: true, fault: "client" };
const transient = (status: number): ErrorTraits => ({
  status,
  retryable: true,
  throttling: false,
  fault: "server",
});

/** Default traits per code; `UnknownError` is refined from the HTTP status at parse time. */
export const ERROR_TRAITS: Readonly<Record<KvsErrorCode, ErrorTraits>> = {
  AccessDeniedException: clientError(403),
  // the proxy's answer to a missing or invalid tenant key or device token
  NotAuthorizedException: clientError(401),
  ClientLimitExceededException: throttled,
  // the session's viewer cap: waiting does not free a slot, so retrying only burns quota
  ViewerLimitExceeded: clientError(400),
  InvalidArgumentException: clientError(400),
  ResourceNotFoundException: clientError(404),
  InvalidSignatureException: clientError(403),
  UnrecognizedClientException: clientError(403),
  ExpiredTokenException: clientError(403),
  IncompleteSignature: clientError(403),
  RequestExpired: clientError(400),
  ThrottlingException: throttled,
  InternalFailure: transient(500),
  ServiceUnavailable: transient(503),
  RequestTimeoutException: { ...transient(408), fault: "client" },
  NetworkError: transient(0),
  TimeoutError: transient(0),
  AbortError: clientError(0),
  UntrustedEndpoint: { ...clientError(0), fault: "server" },
  UnknownError: clientError(0),
};

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

const LOCAL_CODES = new Set<string>([
  "NetworkError",
  "TimeoutError",
  "AbortError",
  "UntrustedEndpoint",
  "UnknownError",
]);
const SERVICE_CODES = new Set<string>(Object.keys(ERROR_TRAITS).filter((code) => !LOCAL_CODES.has(code)));

/** Maps a wire code to a known code, or `undefined` when the service sent one we do not model. */
export function knownCode(wireCode: string): KvsErrorCode | undefined {
  // own keys only: a wire code such as "toString" must not find Object.prototype's
  if (Object.hasOwn(CODE_ALIASES, wireCode)) return CODE_ALIASES[wireCode];
  return SERVICE_CODES.has(wireCode) ? (wireCode as KvsErrorCode) : undefined;
}
