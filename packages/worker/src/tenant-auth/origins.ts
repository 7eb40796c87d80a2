/**
 * @module Browser origins: the patterns a tenant allows (`https://app.acme.com`, `https://*.acme.com`,
 * `http://localhost:*`), the index of every enabled tenant's patterns that answers CORS preflights (which carry no
 * credentials), and the CORS middleware built on hono's `cors`.
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** The registry key (in `TENANTS`) of the index of every enabled tenant's origin patterns. */
export const ORIGIN_INDEX_KEY = "origins";

// scheme://host[:port], where `*` may stand for the host's first label or for the port
const PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}|\*))?$/;
const LABEL = /^[a-z0-9-]+$/;
// plain http only where a page cannot be read or altered on the way: this machine
const HTTP_HOSTS = new Set(["localhost", "127.0.0.1"]);
// the index is read for every preflight; edge caching keeps that cheap, and a change shows within this long
const CACHE_TTL_SECONDS = 60;

/** The part of a KV namespace the index is read through. */
interface OriginStore {
  get(key: string, options: { type: "text"; cacheTtl: number }): Promise<string | null>;
}

/**
 * Whether `pattern` is an origin pattern: an exact origin, or one whose first host label or port is `*`. A `*`
 * label needs at least two labels after it (`https://*.com` is refused), and `http` is for localhost only.
 *
 * @example
 * isOriginPattern("https://*.acme.com"); // true
 * isOriginPattern("https://acme.com/app"); // false
 */
export function isOriginPattern(pattern: string): boolean {
  return patternKey(pattern) !== undefined;
}

/**
 * Whether a browser's `Origin` matches a pattern; `*` stands for exactly one host label, or for any port.
 *
 * @example
 * matchesOrigin("https://*.acme.com", "https://app.acme.com"); // true
 * matchesOrigin("https://*.acme.com", "https://a.b.acme.com"); // false
 */
export function matchesOrigin(pattern: string, origin: string): boolean {
  const key = patternKey(pattern);
  return key !== undefined && originKeys(origin).includes(key);
}

// a pattern as one lookup key: scheme, host (or `*.` and the rest), port (or `*`)
function patternKey(pattern: string): string | undefined {
  const [, scheme, wildLabel = "", host = "", port = ""] = PATTERN.exec(pattern) ?? [];
  if (scheme === undefined || (wildLabel !== "" && !host.includes("."))) return undefined;
  if (scheme === "http" && (wildLabel !== "" || !HTTP_HOSTS.has(host))) return undefined;
  return `${scheme} ${wildLabel}${host} ${port}`;
}

// the keys of every pattern that admits `origin`: at most four, so an index of any size is four lookups
function originKeys(origin: string): string[] {
  if (!URL.canParse(origin)) return [];
  const url = new URL(origin);
  if (url.origin !== origin) return [];
  const scheme = url.protocol.slice(0, -1);
  const dot = url.hostname.indexOf(".");
  const hosts = [url.hostname];
  if (dot > 0 && LABEL.test(url.hostname.slice(0, dot))) hosts.push(`*.${url.hostname.slice(dot + 1)}`);
  return hosts.flatMap((host) => [`${scheme} ${host} ${url.port}`, `${scheme} ${host} *`]);
}

/**
 * Whether a tenant allows `origin`; a device token minted for one origin works from that origin only.
 *
 * @example
 * if (!originAllowed(tenant.origins, tokenOrigin, c.req.header("origin"))) return reject(c, forbidden);
 */
export function originAllowed(
  patterns: readonly string[] | undefined,
  bound: string | undefined,
  origin: string,
): boolean {
  if (bound !== undefined && bound !== origin) return false;
  const keys = originKeys(origin);
  return (patterns ?? []).some((pattern) => keys.includes(patternKey(pattern) ?? ""));
}

/**
 * The index of origin patterns to store under {@link ORIGIN_INDEX_KEY}: every enabled tenant's, once each.
 *
 * @example
 * kv.put(ORIGIN_INDEX_KEY, originIndex(allTenants));
 */
export function originIndex(
  tenants: readonly { readonly disabled: boolean; readonly origins?: readonly string[] | undefined }[],
): string {
  const patterns = new Set(tenants.flatMap((tenant) => (tenant.disabled ? [] : (tenant.origins ?? []))));
  return JSON.stringify([...patterns].sort());
}

let known: { raw: string; keys: ReadonlySet<string> } | undefined;

async function indexedKeys(store: OriginStore): Promise<ReadonlySet<string>> {
  const raw = (await store.get(ORIGIN_INDEX_KEY, { type: "text", cacheTtl: CACHE_TTL_SECONDS })) ?? "[]";
  if (known?.raw !== raw) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = [];
    }
    const patterns = Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === "string") : [];
    known = { raw, keys: new Set(patterns.flatMap((pattern) => patternKey(pattern) ?? [])) };
  }
  return known.keys;
}

/**
 * CORS for browser pages, with hono's `cors`: an origin some enabled tenant allows is echoed (with `Vary:
 * Origin`), any other gets no `Access-Control-Allow-Origin`; preflights are answered from the origin index, without
 * credentials and without counting as auth failures. Which tenant an origin may act for is checked once the
 * request is authenticated ({@link originAllowed}).
 *
 * @example
 * app.use(tenantCors());
 */
export function tenantCors(): MiddlewareHandler<{ Bindings: { readonly TENANTS: OriginStore } }> {
  return cors({
    origin: async (origin, c) => {
      if (origin === "") return null;
      const keys = await indexedKeys(c.env.TENANTS);
      return originKeys(origin).some((key) => keys.has(key)) ? origin : null;
    },
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type"],
    exposeHeaders: ["x-amzn-RequestId", "x-amzn-ErrorType", "Retry-After", "RateLimit", "RateLimit-Policy"],
    // browsers cap it (Chromium at 2 h); 10 minutes keeps a tenant's removed origin from lingering long
    maxAge: 600,
  });
}
