/**
 * @module Canonical requests of repeated request shapes. aws4fetch canonicalises each new shape once; a repeat of
 * the same method, URL, headers, body and token differs only in its timestamp, so only that is substituted.
 */
import type { Credentials } from "../credentials.ts";
import { BoundedCache } from "../utils/bounded-cache.ts";
import { CachingSigner, MAX_CACHED_BODY_CHARS } from "./caching-signer.ts";

/** A canonical request split around its `x-amz-date` value, plus the headers the signed request carries. */
export interface CanonicalTemplate {
  readonly before: string;
  readonly after: string;
  readonly signedHeaders: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly url: string;
  readonly method: string;
}

export interface TemplateInput {
  readonly method: string;
  readonly url: string;
  readonly headers?: HeadersInit | undefined;
  readonly body: string | ArrayBuffer | ArrayBufferView<ArrayBuffer> | null;
  readonly region: string;
  readonly service: string;
  readonly allHeaders: boolean;
}

// a join's shape is one per channel: a proxy serving more channels than this would miss on every request
const templates = new BoundedCache<string, CanonicalTemplate>(1024);
const DATE_LINE = "\nx-amz-date:";

function headersKey(headers: HeadersInit | undefined): string {
  if (headers === undefined) return "";
  const entries =
    headers instanceof Headers || Array.isArray(headers) ? [...headers] : Object.entries(headers);
  return entries.map(([name, value]) => `${name.toLowerCase()}:${value}`).join("\n");
}

/** The cache key of a request shape, or `undefined` when its body is not a short string. */
export function templateKey(input: TemplateInput, credentials: Credentials): string | undefined {
  if (input.body !== null && (typeof input.body !== "string" || input.body.length > MAX_CACHED_BODY_CHARS)) {
    return undefined;
  }
  const token = credentials.sessionToken ?? "";
  const flags = `${input.region}\n${input.service}\n${input.allHeaders}`;
  return `${input.method}\n${input.url}\n${flags}\n${token}\n${headersKey(input.headers)}\n\n${input.body ?? ""}`;
}

export function cachedTemplate(key: string): CanonicalTemplate | undefined {
  return templates.get(key);
}

/** Canonicalises with aws4fetch at `datetime`, and caches the result under `key` when one is given. */
export async function buildTemplate(
  input: TemplateInput,
  credentials: Credentials,
  datetime: string,
  key: string | undefined,
): Promise<CanonicalTemplate> {
  const signer = new CachingSigner({
    method: input.method,
    url: input.url,
    ...(input.headers === undefined ? {} : { headers: input.headers }),
    body: input.body,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    service: input.service,
    region: input.region,
    datetime,
    allHeaders: input.allHeaders,
  });
  const canonical = await signer.canonicalString();
  // header values are whitespace-folded, so "\nx-amz-date:" can only begin the date's own header line
  const at = canonical.indexOf(`${DATE_LINE}${datetime}\n`) + DATE_LINE.length;
  const template: CanonicalTemplate = {
    before: canonical.slice(0, at),
    after: canonical.slice(at + datetime.length),
    signedHeaders: signer.signedHeaders,
    headers: Object.fromEntries(
      [...signer.headers].filter(([name]) => name !== "x-amz-date" && name !== "authorization"),
    ),
    url: signer.url.toString(),
    method: signer.method,
  };
  if (key !== undefined && at >= DATE_LINE.length) templates.set(key, template);
  return template;
}
