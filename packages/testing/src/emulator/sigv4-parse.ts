import { formatAmzDate, parseAmzDate } from "./amz-date.ts";
import type { AuthFailure } from "./auth-failure.ts";

/** What a request claims about its signature, from the Authorization header or a presigned query. */
export interface SignatureClaim {
  readonly via: "header" | "query";
  readonly accessKeyId: string;
  readonly scope: { readonly date: string; readonly region: string; readonly service: string };
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly sessionToken: string | undefined;
  /** `X-Amz-Expires` of a presigned URL, in seconds. */
  readonly expiresSeconds: number | undefined;
}

/** The outcome of reading a request's signature claim. */
export type ParseResult =
  | { readonly ok: true; readonly claim: SignatureClaim }
  | { readonly ok: false; readonly failure: AuthFailure };

const ALGORITHM = "AWS4-HMAC-SHA256";
const incomplete = (detail: string): ParseResult => ({ ok: false, failure: { kind: "incomplete", detail } });

/**
 * Reads the SigV4 claim of a request: the Authorization header, else `X-Amz-*` query parameters.
 * Failure messages follow AWS's but never echo the Authorization value (it carries the signature).
 *
 * @example
 * const parsed = parseSignature((name) => request.headers.get(name) ?? undefined, url.searchParams);
 */
export function parseSignature(
  header: (name: string) => string | undefined,
  query: URLSearchParams,
): ParseResult {
  const authorization = header("authorization");
  if (authorization !== undefined) return parseHeader(authorization, header);
  if (query.has("X-Amz-Algorithm")) return parseQuery(query);
  return { ok: false, failure: { kind: "missing-token" } };
}

function parseHeader(authorization: string, header: (name: string) => string | undefined): ParseResult {
  const [algorithm = "", ...rest] = authorization.trim().split(/\s+/);
  const params = new Map<string, string>();
  if (algorithm === ALGORITHM) {
    for (const part of rest.join(" ").split(",")) {
      const [key = "", ...value] = part.trim().split("=");
      params.set(key, value.join("="));
    }
  }
  const problems = ["Credential", "Signature", "SignedHeaders"]
    .filter((name) => !params.get(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  const amzDate = header("x-amz-date") ?? httpDateAsAmz(header("date"));
  if (amzDate === undefined) {
    problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (problems.length > 0 || amzDate === undefined) return incomplete(problems.join(" "));
  return buildClaim("header", {
    credential: params.get("Credential") ?? "",
    signedHeaders: params.get("SignedHeaders") ?? "",
    signature: params.get("Signature") ?? "",
    amzDate,
    sessionToken: header("x-amz-security-token"),
    expires: undefined,
  });
}

const QUERY_KEYS = [
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
];

function parseQuery(query: URLSearchParams): ParseResult {
  const algorithm = query.get("X-Amz-Algorithm");
  if (algorithm !== ALGORITHM) return incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  if (QUERY_KEYS.some((key) => !query.get(key))) {
    return incomplete(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  return buildClaim("query", {
    credential: query.get("X-Amz-Credential") ?? "",
    signedHeaders: query.get("X-Amz-SignedHeaders") ?? "",
    signature: query.get("X-Amz-Signature") ?? "",
    amzDate: query.get("X-Amz-Date") ?? "",
    sessionToken: query.get("X-Amz-Security-Token") ?? undefined,
    expires: query.get("X-Amz-Expires") ?? undefined,
  });
}

interface RawClaim {
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly amzDate: string;
  readonly sessionToken: string | undefined;
  readonly expires: string | undefined;
}

function buildClaim(via: SignatureClaim["via"], raw: RawClaim): ParseResult {
  const [accessKeyId, date, region, service, terminator, ...extra] = raw.credential.split("/");
  if (!accessKeyId || !date || !region || !service || !terminator || extra.length > 0) {
    return incomplete(
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.",
    );
  }
  const signedHeaders = raw.signedHeaders.split(";");
  if (!signedHeaders.includes("host")) {
    return incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (parseAmzDate(raw.amzDate) === undefined) {
    return incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${raw.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const expiresSeconds = raw.expires === undefined ? undefined : Number(raw.expires);
  if (
    expiresSeconds !== undefined &&
    !(Number.isInteger(expiresSeconds) && expiresSeconds >= 1 && expiresSeconds <= 604_800)
  ) {
    return incomplete("X-Amz-Expires must be an integer number of seconds between 1 and 604800.");
  }
  return {
    ok: true,
    claim: {
      via,
      accessKeyId,
      scope: { date, region, service },
      terminator,
      signedHeaders,
      signature: raw.signature,
      amzDate: raw.amzDate,
      sessionToken: raw.sessionToken,
      expiresSeconds,
    },
  };
}

function httpDateAsAmz(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : formatAmzDate(ms);
}
