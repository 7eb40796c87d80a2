/** @module The signers section 1 compares and each one's anchor, apart from the signers' heavy imports. */

/**
 * The signers compared: core's and aws4fetch's `AwsV4Signer` given the request's parts, core's and
 * aws4fetch's `AwsClient` given a `Request`, and the AWS SDK's (parts).
 */
export type SignerName = "core" | "aws4fetch" | "coreRequest" | "aws4fetchClient" | "smithy";

/** Signers measured together, each group in a process (or workerd) of its own. */
export type SignerGroup = "parts" | "request";

/**
 * The signers of each group. Apart, because one path's object shapes would otherwise slow the other's JIT code
 * (measured in workerd: core's parts path at 0.65× of its anchor beside the `Request` signers, 0.42× without).
 *
 * @example
 * ```ts
 * SIGNER_GROUPS.request; // ["coreRequest", "aws4fetchClient"]
 * ```
 */
export const SIGNER_GROUPS: Readonly<Record<SignerGroup, readonly SignerName[]>> = {
  parts: ["core", "aws4fetch", "smithy"],
  request: ["coreRequest", "aws4fetchClient"],
};

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
