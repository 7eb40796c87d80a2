/**
 * @module AWS Signature Version 4, one function per step in the order the spec (and aws4fetch's main.js) takes
 * them: canonical request → string to sign → signing key → signature → `Authorization` header or presigned query.
 * Canonicalisation matches aws4fetch 1.0.20 for every service but S3, which SigV4 canonicalises apart.
 */
import type { Credentials } from "../credentials.ts";
import { invalidArgument } from "../errors/kvs-error.ts";
import { BoundedCache } from "../utils/bounded-cache.ts";
import { sha256Hex, toHex } from "./sha256.ts";

/** A request described by its parts; signing it returns the same parts plus the SigV4 headers. */
export interface SignableRequest {
  readonly method?: string;
  readonly url: string | URL;
  readonly headers?: HeadersInit;
  readonly body?: string | ArrayBuffer | ArrayBufferView<ArrayBuffer> | null;
}

/** Who signs, and for which region, service and instant (`YYYYMMDDTHHMMSSZ`). */
export interface SigningContext {
  readonly credentials: Credentials;
  readonly region: string;
  readonly service: string;
  readonly datetime: string;
  readonly allHeaders: boolean;
}

/** A header-signed request: the caller's headers (without `host`) plus the SigV4 ones. */
export interface HeaderSigned {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
// as AWS SDKs and aws4fetch: proxies and user agents may set or rewrite these in flight
const UNSIGNABLE_HEADERS = new Set([
  "authorization",
  "content-type",
  "content-length",
  "user-agent",
  "presigned-expires",
  "expect",
  "x-amzn-trace-id",
  "range",
  "connection",
]);
// bodies up to this many chars or bytes are hashed synchronously and key the template cache as themselves
// (longer ones go to Web Crypto and are not cached)
const MAX_SYNC_BODY = 4096;
const encoder = new TextEncoder();

/** `YYYYMMDDTHHMMSSZ`, the SigV4 timestamp. */
export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, "");
}

/** The day, region and service a signature is valid for. */
export function credentialScope(context: SigningContext): string {
  return `${context.datetime.slice(0, 8)}/${context.region}/${context.service}/aws4_request`;
}

// the body as SigV4 hashes it ("" when absent or empty, as aws4fetch's `body || ''`), if short enough to hash
// synchronously (no Web Crypto dispatch); undefined when longer, or not a body at all
function shortPayload(body: unknown): string | Uint8Array | undefined {
  const data = !body
    ? ""
    : typeof body === "string"
      ? body
      : ArrayBuffer.isView(body)
        ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
        : isArrayBuffer(body)
          ? new Uint8Array(body)
          : undefined;
  return data !== undefined && data.length <= MAX_SYNC_BODY ? data : undefined;
}

// by brand, not `instanceof`, so buffers from another realm count, and objects that only have a byteLength do not
const isArrayBuffer = (value: unknown): value is ArrayBuffer =>
  Object.prototype.toString.call(value) === "[object ArrayBuffer]";

async function payloadHash(body: unknown, headers: Headers): Promise<string> {
  // a caller-supplied payload hash (e.g. UNSIGNED-PAYLOAD) is signed as given
  const given = headers.get("x-amz-content-sha256");
  if (given) return given;
  const short = shortPayload(body);
  if (short !== undefined) return sha256Hex(short);
  const data = typeof body === "string" ? encoder.encode(body) : body;
  if (!ArrayBuffer.isView(data) && !isArrayBuffer(data)) {
    throw invalidArgument([
      {
        path: "body",
        message: "must be a string, ArrayBuffer or ArrayBufferView, unless x-amz-content-sha256 is set",
      },
    ]);
  }
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource)));
}

// encodeURIComponent leaves !'()* alone, RFC 3986 (and SigV4) does not
const rfc3986 = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// URL already resolved dot segments; non-S3 services want repeated slashes merged and each segment encoded twice
const canonicalPath = (url: URL): string => rfc3986(url.pathname.replace(/\/+/g, "/")).replace(/%2F/g, "/");

function canonicalQuery(params: URLSearchParams): string {
  const pairs: [string, string][] = [];
  for (const [name, value] of params) if (name !== "") pairs.push([rfc3986(name), rfc3986(value)]);
  // by code unit, name then value
  pairs.sort(([n1, v1], [n2, v2]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

/** Step 1a: `host` and each header AWS signs (`Headers` already lower-cased and trimmed them), sorted. */
export function signedHeaderNames(headers: Headers, allHeaders: boolean): string[] {
  return ["host", ...headers.keys()].filter((name) => allHeaders || !UNSIGNABLE_HEADERS.has(name)).sort();
}

/** Step 1b: the canonical request; the SigV4 date and token are already in `headers` (or the query, presigned). */
export function canonicalRequest(
  method: string,
  url: URL,
  headers: Headers,
  signedHeaders: readonly string[],
  payload: string,
): string {
  let lines = "";
  for (const name of signedHeaders) {
    // inner runs of whitespace fold to one space
    lines += `${name}:${name === "host" ? url.host : (headers.get(name) ?? "").replace(/\s+/g, " ")}\n`;
  }
  const path = canonicalPath(url);
  const query = canonicalQuery(url.searchParams);
  return [method.toUpperCase(), path, query, lines, signedHeaders.join(";"), payload].join("\n");
}

/** A canonical request split around its `x-amz-date` value, and what the signed request carries. */
interface CanonicalTemplate extends HeaderSigned {
  readonly before: string;
  readonly after: string;
  readonly signedHeaders: string;
}

// a join's shape is one per channel: a proxy serving more channels than this would miss on every request
const templates = new BoundedCache<string, CanonicalTemplate>(1024);
const DATE_LINE = "\nx-amz-date:";

const methodOf = (request: SignableRequest): string => request.method || (request.body ? "POST" : "GET");

function prepare(request: SignableRequest): { method: string; url: URL; headers: Headers } {
  const headers = new Headers(request.headers);
  // the host signed is the URL's own; a Host header could only disagree with it
  headers.delete("host");
  return { method: methodOf(request), url: new URL(request.url), headers };
}

// a short body keys itself, bytes as one char each (cheaper than hashing them); undefined for a long one
function bodyKey(body: unknown): string | undefined {
  const data = shortPayload(body);
  return typeof data === "object" ? String.fromCharCode(...data) : data;
}

// header name-value pairs that JSON renders exactly as Headers reads them: only strings (Headers would turn a
// NaN, undefined or Date into text that JSON renders otherwise), from a Headers, an array or a plain record
function headerEntries(headers: HeadersInit | undefined): readonly (readonly [string, string])[] | undefined {
  if (headers === undefined) return [];
  if (headers instanceof Headers) return [...headers];
  const entries: readonly (readonly unknown[])[] | undefined = Array.isArray(headers)
    ? headers
    : Object.getPrototypeOf(headers) === Object.prototype && !(Symbol.iterator in headers)
      ? Object.entries(headers)
      : undefined;
  const strings = entries?.every(
    (pair) => pair.length === 2 && pair.every((part) => typeof part === "string"),
  );
  return strings ? (entries as [string, string][]) : undefined;
}

// everything that shapes the canonical request, unambiguously; undefined (not cached) for a long body or for
// headers that are not plain strings
function templateKey(request: SignableRequest, context: SigningContext): string | undefined {
  const { body } = request;
  const entries = headerEntries(request.headers);
  if (entries === undefined) return undefined;
  const payload = bodyKey(body);
  if (payload === undefined) return undefined;
  const token = context.credentials.sessionToken ?? null;
  const shape = [methodOf(request), String(request.url), entries, token, context.allHeaders];
  return JSON.stringify([...shape, typeof body === "string", payload]);
}

/** Step 1, header-signed: a repeat of the same method, URL, headers, body and token only substitutes the time. */
export async function canonicalTemplate(
  request: SignableRequest,
  context: SigningContext,
): Promise<CanonicalTemplate> {
  const key = templateKey(request, context);
  const cached = key === undefined ? undefined : templates.get(key);
  if (cached !== undefined) return cached;
  const { credentials, datetime } = context;
  const { method, url, headers } = prepare(request);
  headers.set("x-amz-date", datetime);
  if (credentials.sessionToken) headers.set("x-amz-security-token", credentials.sessionToken);
  const names = signedHeaderNames(headers, context.allHeaders);
  const canonical = canonicalRequest(method, url, headers, names, await payloadHash(request.body, headers));
  // header values are whitespace-folded, so only the date's own line can match
  const at = canonical.indexOf(`${DATE_LINE}${datetime}\n`) + DATE_LINE.length;
  // a datetime that Headers would alter cannot be found, and a template that cannot substitute it is not kept
  const substitutable = at >= DATE_LINE.length;
  headers.delete("x-amz-date");
  const template = {
    before: canonical.slice(0, at),
    after: canonical.slice(at + datetime.length),
    signedHeaders: names.join(";"),
    method,
    url: url.toString(),
    headers: Object.fromEntries(headers),
  };
  if (key !== undefined && substitutable) templates.set(key, template);
  return template;
}

/** Step 2: what the signature covers. */
export function stringToSign(datetime: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${datetime}\n${scope}\n${sha256Hex(canonical)}`;
}

// one entry per (secret, day, region, service): bounded so many tenants cannot grow it without limit
const signingKeys = new BoundedCache<string, Promise<CryptoKey>>(128);
const HMAC = { name: "HMAC", hash: "SHA-256" };

async function hmac(key: BufferSource, data: string): Promise<ArrayBuffer> {
  const hmacKey = await crypto.subtle.importKey("raw", key, HMAC, false, ["sign"]);
  return crypto.subtle.sign("HMAC", hmacKey, encoder.encode(data));
}

/** Step 3: the day's signing key, derived once and kept as a non-extractable `CryptoKey`. */
export function signingKey(context: SigningContext): Promise<CryptoKey> {
  const { credentials, datetime, region, service } = context;
  const date = datetime.slice(0, 8);
  const cacheKey = JSON.stringify([credentials.secretAccessKey, date, region, service]);
  let key = signingKeys.get(cacheKey);
  if (key === undefined) {
    key = (async () => {
      const kDate = await hmac(encoder.encode(`AWS4${credentials.secretAccessKey}`), date);
      const kSigning = await hmac(await hmac(await hmac(kDate, region), service), "aws4_request");
      return crypto.subtle.importKey("raw", kSigning, HMAC, false, ["sign"]);
    })();
    signingKeys.set(cacheKey, key);
    // a failed derivation must not poison the cache for the rest of the day
    key.catch(() => signingKeys.delete(cacheKey));
  }
  return key;
}

/** Step 4: hex HMAC-SHA256 of the string to sign. */
export async function signature(key: CryptoKey, toSign: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(toSign))));
}

/** Step 5a: the `Authorization` header; `credential` is `<access key id>/<scope>`. */
export function authorization(credential: string, signedHeaders: string, sig: string): string {
  return `${ALGORITHM} Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${sig}`;
}

/** Steps 1 to 5a: signed with an `Authorization` header. */
export async function signWithHeaders(
  request: SignableRequest,
  context: SigningContext,
): Promise<HeaderSigned> {
  const { credentials, datetime } = context;
  const template = await canonicalTemplate(request, context);
  const scope = credentialScope(context);
  const toSign = stringToSign(datetime, scope, `${template.before}${datetime}${template.after}`);
  const sig = await signature(await signingKey(context), toSign);
  const auth = authorization(`${credentials.accessKeyId}/${scope}`, template.signedHeaders, sig);
  return {
    method: template.method,
    url: template.url,
    headers: { ...template.headers, "x-amz-date": datetime, authorization: auth },
  };
}

/** Steps 1 to 5b: signed in the query (a presigned URL), where the session token is signed too. */
export async function signWithQuery(request: SignableRequest, context: SigningContext): Promise<URL> {
  const { credentials, datetime } = context;
  const { method, url, headers } = prepare(request);
  const names = signedHeaderNames(headers, context.allHeaders);
  const scope = credentialScope(context);
  const token = credentials.sessionToken;
  const params = {
    Date: datetime,
    ...(token ? { "Security-Token": token } : {}),
    Algorithm: ALGORITHM,
    Credential: `${credentials.accessKeyId}/${scope}`,
    SignedHeaders: names.join(";"),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(`X-Amz-${name}`, value);
  const canonical = canonicalRequest(method, url, headers, names, await payloadHash(request.body, headers));
  const sig = await signature(await signingKey(context), stringToSign(datetime, scope, canonical));
  url.searchParams.set("X-Amz-Signature", sig);
  return url;
}
