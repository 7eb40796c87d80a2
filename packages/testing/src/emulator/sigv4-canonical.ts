/** What a SigV4 canonical request is built from; `path` and `query` are raw (still percent-encoded). */
export interface CanonicalInput {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** Lower-case header names, in the order the client listed them in SignedHeaders. */
  readonly signedHeaders: readonly string[];
  /** The value of a header as the client sent it (duplicates joined with ","), `undefined` if absent. */
  readonly header: (name: string) => string | undefined;
  readonly payloadHash: string;
  /** Query parameter the signature travels in (presigned URLs); left out of the canonical query. */
  readonly excludeQueryKey?: string;
}

/**
 * RFC 3986 percent-encoding: everything but `A-Z a-z 0-9 - _ . ~`.
 *
 * @example
 * uriEncode("a b*"); // "a%20b%2A"
 */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The canonical URI for every service but S3: dot segments and empty segments removed, each segment
 * encoded again (the path on the wire is already encoded once, so AWS's rule is double encoding).
 *
 * @example
 * canonicalPath("//example/./a/../"); // "/example/"
 */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  const parts = rawPath.split("/");
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") segments.pop();
    else segments.push(uriEncode(part));
  }
  const last = parts.at(-1);
  const trailingSlash = segments.length > 0 && (last === "" || last === "." || last === "..");
  return `/${segments.join("/")}${trailingSlash ? "/" : ""}`;
}

/**
 * The canonical query string: parameters decoded, re-encoded per RFC 3986, sorted by name then value.
 *
 * @example
 * canonicalQuery("b=2&a=x y"); // "a=x%20y&b=2"
 */
export function canonicalQuery(rawQuery: string, excludeKey?: string): string {
  return [...new URLSearchParams(rawQuery)]
    .filter(([key]) => key !== "" && key !== excludeKey)
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

/**
 * The full canonical request (task 1 of SigV4).
 *
 * @example
 * canonicalRequest({ method: "GET", path: "/", query: "", signedHeaders: ["host"],
 *   header: () => "example.com", payloadHash: EMPTY_SHA256 });
 */
export function canonicalRequest(input: CanonicalInput): string {
  const headerLines = input.signedHeaders.map(
    (name) => `${name}:${(input.header(name) ?? "").trim().replace(/\s+/g, " ")}\n`,
  );
  return [
    input.method.toUpperCase(),
    canonicalPath(input.path),
    canonicalQuery(input.query, input.excludeQueryKey),
    headerLines.join(""),
    input.signedHeaders.join(";"),
    input.payloadHash,
  ].join("\n");
}

/**
 * The string to sign (task 2 of SigV4).
 *
 * @example
 * stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", await sha256Hex(creq));
 */
export function stringToSign(amzDate: string, scope: string, canonicalRequestHash: string): string {
  return ["AWS4-HMAC-SHA256", amzDate, scope, canonicalRequestHash].join("\n");
}
