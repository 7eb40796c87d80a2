/** @module The public signing API over sigv4.ts: `signRequest` (`Authorization` header) and `presignUrl` (query). */
import { type Credentials, type CredentialsInput, credentialSource } from "../credentials.ts";
import { type InputIssue, invalidArgument } from "../errors/kvs-error.ts";
import { checkRegion, integerIn } from "../model/rules.ts";
import {
  type SignableRequest,
  type SigningContext,
  signWithHeaders,
  signWithQuery,
  toAmzDate,
} from "./sigv4.ts";

/** Options for `signRequest` and `presignUrl`. */
export interface SignOptions {
  readonly credentials: CredentialsInput;
  /** Always explicit: never guessed from the host name. */
  readonly region: string;
  /** Signing name; `kinesisvideo` for every KVS API. */
  readonly service?: string;
  /** Signing time; defaults to now. */
  readonly date?: Date;
  /** Also sign the headers AWS clients normally leave unsigned (content-type, content-length, …). */
  readonly allHeaders?: boolean;
}

export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string | ArrayBuffer | ArrayBufferView<ArrayBuffer> | null;
}

export interface PresignOptions extends SignOptions {
  /** Seconds the URL stays valid (`X-Amz-Expires`); KVS signaling clients use 299. */
  readonly expiresIn: number;
}

// SigV4 caps presigned URLs at seven days
const MAX_EXPIRES_SECONDS = 604_800;

function contextOf(credentials: Credentials, options: Omit<SignOptions, "credentials">): SigningContext {
  return {
    credentials,
    region: checkRegion(options.region),
    service: options.service ?? "kinesisvideo",
    datetime: toAmzDate(options.date ?? new Date()),
    allHeaders: options.allHeaders === true,
  };
}

/** Signs the parts of a request with resolved credentials; the client's hot path (no `Request` is built). */
export async function signParts(
  request: SignableRequest,
  credentials: Credentials,
  options: Omit<SignOptions, "credentials">,
): Promise<SignedRequest> {
  const signed = await signWithHeaders(request, contextOf(credentials, options));
  // one constructor call from a record: each Headers call crosses into C++ on workerd (~2 µs apiece)
  const headers = new Headers(signed.headers);
  return { method: signed.method, url: signed.url, headers, body: request.body ?? null };
}

/**
 * Signs a request with SigV4 (`Authorization` header). Every header the caller set is signed except the ones
 * AWS never signs (content-type, content-length, user-agent, …); `host`, `x-amz-date` and
 * `x-amz-security-token` are added. Pass a `Request` to get a `Request`, or its parts to get its parts.
 *
 * @example
 * const signed = await signRequest(
 *   new Request(`${webrtcEndpoint}/joinStorageSession`, { method: "POST", body: JSON.stringify({ channelArn }) }),
 *   { credentials, region: "us-west-2" },
 * );
 * await fetch(signed);
 */
export function signRequest(request: Request, options: SignOptions): Promise<Request>;
export function signRequest(request: SignableRequest, options: SignOptions): Promise<SignedRequest>;
export async function signRequest(
  request: Request | SignableRequest,
  options: SignOptions,
): Promise<Request | SignedRequest> {
  const credentials = await credentialSource(options.credentials)();
  if (!(request instanceof Request)) return signParts(request, credentials, options);
  // read from a clone so the caller's Request stays unread; as bytes, a short body still hits the template cache
  const body = request.body === null ? null : await request.clone().arrayBuffer();
  const parts = { method: request.method, url: request.url, headers: request.headers, body };
  const signed = await signWithHeaders(parts, contextOf(credentials, options));
  return new Request(signed.url, {
    method: signed.method,
    headers: signed.headers,
    body,
    signal: request.signal,
    redirect: request.redirect,
  });
}

/**
 * Presigns a URL with SigV4 query authentication (`X-Amz-Signature` and friends). A session token goes into the
 * canonical query before signing, as the KVS signaling service requires.
 *
 * @example
 * const url = new URL(wssEndpoint);
 * url.searchParams.set("X-Amz-ChannelARN", channelArn);
 * const signed = await presignUrl(url, { credentials, region: "us-west-2", expiresIn: 299 });
 * new WebSocket(signed);
 */
export async function presignUrl(url: string | URL, options: PresignOptions): Promise<URL> {
  const issues: InputIssue[] = [];
  const expiresIn = integerIn(issues, options, "expiresIn", 1, MAX_EXPIRES_SECONDS);
  if (issues.length > 0) throw invalidArgument(issues);
  const credentials = await credentialSource(options.credentials)();
  const target = new URL(url);
  target.searchParams.set("X-Amz-Expires", String(expiresIn));
  return signWithQuery({ method: "GET", url: target }, contextOf(credentials, options));
}
