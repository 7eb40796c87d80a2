/** @module The signers section 1 compares and each one's anchor, apart from the signers' heavy imports. */

/**
 * The signers compared: core's and aws4fetch's `AwsV4Signer` given the request's parts, core's and
 * aws4fetch's `AwsClient` given a `Request`, and the AWS SDK's (parts).
 */
export type SignerName = "core" | "aws4fetch" | "coreRequest" | "aws4fetchClient" | "smithy";

/**
 * Each signer's anchor: aws4fetch taking the same input (parts or a `Request`).
 *
 * @example
 * ```ts
 * ANCHOR_OF.coreRequest; // "aws4fetchClient"
 * ```
 */
export const ANCHOR_OF: Readonly<Record<SignerName, SignerName>> = {
  core: "aws4fetch",
  aws4fetch: "aws4fetch",
  coreRequest: "aws4fetchClient",
  aws4fetchClient: "aws4fetchClient",
  smithy: "aws4fetch",
};
