import { parseAmzDate } from "./amz-date.ts";
import { type AuthFailure, MAX_CLOCK_SKEW_MS } from "./auth-failure.ts";
import type { CredentialSeed } from "./data-set.ts";
import { canonicalRequest, stringToSign } from "./sigv4-canonical.ts";
import { constantTimeEqual, EMPTY_SHA256, sha256Hex, signatureHex } from "./sigv4-crypto.ts";
import { parseSignature } from "./sigv4-parse.ts";

/** A request as SigV4 sees it: raw path and query, header lookup, body bytes. */
export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly header: (name: string) => string | undefined;
  readonly body: Uint8Array<ArrayBuffer>;
}

/** What a request must be signed for, and the credentials that may sign it. */
export interface VerifyOptions {
  readonly service: string;
  /** Regions a credential scope may name. */
  readonly regions: ReadonlySet<string>;
  readonly now: number;
  readonly credential: (accessKeyId: string) => CredentialSeed | undefined;
}

/** The outcome of verifying a request's SigV4 signature. */
export type VerifyResult =
  | { readonly ok: true; readonly accessKeyId: string; readonly signedHeaders: readonly string[] }
  | { readonly ok: false; readonly failure: AuthFailure };

const fail = (failure: AuthFailure): VerifyResult => ({ ok: false, failure });

/**
 * Verifies a SigV4 request (Authorization header or presigned query) the way AWS does, in AWS's order:
 * format, credential scope, access key and token, clock, then the signature itself.
 *
 * @example
 * const result = await verifySigV4(toSignedRequest(request, body), {
 *   service: "kinesisvideo", regions: new Set(["us-west-2"]), now: Date.now(), credential: registry.credential,
 * });
 */
export async function verifySigV4(request: SignedRequest, options: VerifyOptions): Promise<VerifyResult> {
  const query = new URLSearchParams(request.query);
  const parsed = parseSignature(request.header, query);
  if (!parsed.ok) return parsed;
  const { claim } = parsed;
  if (claim.terminator !== "aws4_request")
    return fail({ kind: "bad-terminator", terminator: claim.terminator });
  if (claim.scope.service !== options.service)
    return fail({ kind: "wrong-service", expected: options.service });
  if (!options.regions.has(claim.scope.region)) return fail({ kind: "wrong-region" });
  if (claim.scope.date !== claim.amzDate.slice(0, 8)) {
    return fail({ kind: "scope-date-mismatch", scopeDate: claim.scope.date, amzDate: claim.amzDate });
  }
  const credential = options.credential(claim.accessKeyId);
  if (credential === undefined) return fail({ kind: "unknown-key" });
  if (credential.sessionToken !== claim.sessionToken) return fail({ kind: "bad-token" });
  if (credential.expiresAt !== undefined && credential.expiresAt <= options.now)
    return fail({ kind: "expired-token" });
  const clockFailure = checkClock(claim.amzDate, claim.expiresSeconds, options.now);
  if (clockFailure) return fail(clockFailure);
  const creq = canonicalRequest({
    method: request.method,
    path: request.path,
    query: request.query,
    signedHeaders: claim.signedHeaders,
    header: request.header,
    payloadHash: claim.via === "query" ? EMPTY_SHA256 : await sha256Hex(request.body),
    ...(claim.via === "query" ? { excludeQueryKey: "X-Amz-Signature" } : {}),
  });
  const scope = `${claim.scope.date}/${claim.scope.region}/${claim.scope.service}/aws4_request`;
  const expected = await signatureHex(
    credential.secretAccessKey,
    claim.scope,
    stringToSign(claim.amzDate, scope, await sha256Hex(creq)),
  );
  if (!constantTimeEqual(expected, claim.signature)) return fail({ kind: "signature-mismatch" });
  return { ok: true, accessKeyId: claim.accessKeyId, signedHeaders: claim.signedHeaders };
}

function checkClock(
  amzDate: string,
  expiresSeconds: number | undefined,
  now: number,
): AuthFailure | undefined {
  const signedAt = parseAmzDate(amzDate) ?? Number.NaN;
  if (signedAt > now + MAX_CLOCK_SKEW_MS) return { kind: "signature-not-yet-current", amzDate, now };
  if (expiresSeconds !== undefined) {
    return now > signedAt + expiresSeconds * 1000 ? { kind: "presign-expired" } : undefined;
  }
  if (signedAt < now - MAX_CLOCK_SKEW_MS) return { kind: "signature-expired", amzDate, now };
  return undefined;
}

/**
 * Adapts a fetch `Request` (whose body was already read) for {@link verifySigV4}. The `host` header
 * falls back to the URL's, since fetch implementations drop it from `Request.headers`.
 *
 * @example
 * const body = new Uint8Array(await request.arrayBuffer());
 * await verifySigV4(toSignedRequest(request, body), options);
 */
export function toSignedRequest(request: Request, body: Uint8Array<ArrayBuffer>): SignedRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    header: (name) => request.headers.get(name) ?? (name === "host" ? url.host : undefined),
    body,
  };
}
