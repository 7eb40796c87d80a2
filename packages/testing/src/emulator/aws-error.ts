/** Which KVS API answers: control-plane and signaling errors say `Message`, the storage data plane `message`. */
export type Plane = "control" | "signaling" | "storage";

/**
 * The API a request path belongs to.
 *
 * @example
 * planeOf("/joinStorageSession"); // "storage"
 */
export function planeOf(path: string): Plane {
  if (path.startsWith("/joinStorageSession")) return "storage";
  return path === "/" || path.startsWith("/v1/") ? "signaling" : "control";
}

/** The error codes the emulator answers with. */
export type AwsErrorType =
  | "AccessDeniedException"
  | "ClientLimitExceededException"
  | "ExpiredTokenException"
  | "IncompleteSignatureException"
  | "InternalFailure"
  | "InvalidArgumentException"
  | "InvalidSignatureException"
  | "MissingAuthenticationTokenException"
  | "ResourceNotFoundException"
  | "SerializationException"
  | "ServiceUnavailableException"
  | "UnknownOperationException"
  | "UnrecognizedClientException";

/** An AWS error before it is put on the wire. */
export interface AwsError {
  readonly type: AwsErrorType;
  readonly status: number;
  readonly message: string;
}

// Errors raised by the AWS request front end (auth, parsing) carry Coral's framework namespace;
// errors modelled by KVS carry the service's.
const FRAMEWORK_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.coral.service/";
const SERVICE_NAMESPACE = "http://internal.amazon.com/coral/com.amazonaws.kinesisvideo/";
const SERVICE_ERRORS: ReadonlySet<AwsErrorType> = new Set([
  "AccessDeniedException",
  "ClientLimitExceededException",
  "InvalidArgumentException",
  "ResourceNotFoundException",
]);

/**
 * The `x-amzn-ErrorType` header value for an error code.
 *
 * @example
 * errorTypeHeader("InvalidSignatureException");
 * // "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/"
 */
export function errorTypeHeader(type: AwsErrorType): string {
  return `${type}:${SERVICE_ERRORS.has(type) ? SERVICE_NAMESPACE : FRAMEWORK_NAMESPACE}`;
}

/**
 * An AWS rest-json error response (request id and `Date` are stamped on later, for every response).
 *
 * @example
 * awsErrorResponse({ type: "ResourceNotFoundException", status: 404, message: "…" }, "control");
 */
export function awsErrorResponse(error: AwsError, plane: Plane): Response {
  const key = plane === "storage" ? "message" : "Message";
  return new Response(JSON.stringify({ [key]: error.message }), {
    status: error.status,
    headers: { "content-type": "application/json", "x-amzn-ErrorType": errorTypeHeader(error.type) },
  });
}

/** ClientLimitExceededException as KVS words it for throttled calls. */
export const THROTTLED: AwsError = {
  type: "ClientLimitExceededException",
  status: 400,
  message:
    "Kinesis Video Streams has throttled the request because you have exceeded the limit of allowed client calls. Try making the call later.",
};

/**
 * ResourceNotFoundException for a channel that is not seeded.
 *
 * @example
 * awsErrorResponse(channelNotFound(), "control");
 */
export function channelNotFound(): AwsError {
  return {
    type: "ResourceNotFoundException",
    status: 404,
    message: "The requested channel is not found or not active.",
  };
}

/**
 * InvalidArgumentException with the given message.
 *
 * @example
 * awsErrorResponse(invalidArgument("Channel has no media storage configured."), "storage");
 */
export function invalidArgument(message: string): AwsError {
  return { type: "InvalidArgumentException", status: 400, message };
}
