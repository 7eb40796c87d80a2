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
  /** Signing name; `kinesisvideo` for every KVS API. S3 and `iotdevicegateway` are refused: SigV4 signs them apart. */
  readonly service?: string;
  /** Signing time; defaults to now. */
  readonly date?: Date;
  /** Also sign the headers AWS clients normally leave unsigned (content-type, content-length, …). */
  readonly allHeaders?: boolean;
}

/** A request's parts as `signRequest` returns them: the caller's, plus the SigV4 headers. */
export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string | ArrayBuffer | ArrayBufferView<ArrayBuffer> | null;
}

/** Options for `presignUrl`: those of `signRequest`, plus how long the URL stays valid. */
export interface PresignOptions extends SignOptions {
  /** Seconds the URL stays valid (`X-Amz-Expires`); KVS signaling clients use 299. */
  readonly expiresIn: number;
}

// SigV4 caps presigned URLs at seven days
const MAX_EXPIRES_SECONDS = 604_800;

// SigV4 canonicalises S3 and IoT's device gateway apart (single-encoded paths, unsigned payloads, a token
// appended after signing), which this signer does not do
const OTHER_CANONICALISATION = new Set(["s3", "iotdevicegateway"]);
const SERVICE_RULE =
  "must be an AWS signing name such as kinesisvideo (^[a-z0-9-]+$), not s3 or iotdevicegateway (signed differently)";

// checked before the credentials are, since a credentials provider may call the network
function checkedOptions(options: Omit<SignOptions, "credentials">): Omit<SigningContext, "credentials"> {
  const service = options.service ?? "kinesisvideo";
  if (typeof service !== "string" || !/^[a-z0-9-]+$/.test(service) || OTHER_CANONICALISATION.has(service)) {
    throw invalidArgument([{ path: "service", message: SERVICE_RULE }]);
  }
  return {
    region: checkRegion(options.region),
    service,
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
  const signed = await signWithHeaders(request, { credentials, ...checkedOptions(options) });
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
  const checked = checkedOptions(options);
  const credentials = await credentialSource(options.credentials)();
  if (!(request instanceof Request)) return signParts(request, credentials, options);
  // read from a clone so the caller's Request stays unread; as bytes, a short body still hits the template cache
  const body = request.body === null ? null : await request.clone().arrayBuffer();
  const parts = { method: request.method, url: request.url, headers: request.headers, body };
  const signed = await signWithHeaders(parts, { credentials, ...checked });
  // built from the caller's Request, so its signal, redirect mode and every other field carry over
  return new Request(request, { method: signed.method, headers: signed.headers, body });
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
  const checked = checkedOptions(options);
  const credentials = await credentialSource(options.credentials)();
  const target = new URL(url);
  target.searchParams.set("X-Amz-Expires", String(expiresIn));
  return signWithQuery({ method: "GET", url: target }, { credentials, ...checked });
}
