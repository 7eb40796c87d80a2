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
// the index is read for every preflight; edge caching keeps that cheap, and a change shows within this long
const CACHE_TTL_SECONDS = 60;

/** The part of a KV namespace the index is read through. */
interface OriginStore {
  get(key: string, options: { type: "text"; cacheTtl: number }): Promise<string | null>;
}

/**
 * Whether `pattern` is an origin pattern: an exact origin, or one whose first host label or port is `*`.
 *
 * @example
 * isOriginPattern("https://*.acme.com"); // true
 * isOriginPattern("https://acme.com/app"); // false
 */
export function isOriginPattern(pattern: string): boolean {
  return PATTERN.test(pattern);
}

/**
 * Whether a browser's `Origin` matches a pattern; `*` stands for exactly one host label, or for any port.
 *
 * @example
 * matchesOrigin("https://*.acme.com", "https://app.acme.com"); // true
 * matchesOrigin("https://*.acme.com", "https://a.b.acme.com"); // false
 */
export function matchesOrigin(pattern: string, origin: string): boolean {
  const [, scheme, wildLabel, host = "", port] = PATTERN.exec(pattern) ?? [];
  if (scheme === undefined || !URL.canParse(origin)) return false;
  const url = new URL(origin);
  if (url.origin !== origin || url.protocol !== `${scheme}:`) return false;
  const portMatches = port === "*" || url.port === (port ?? "");
  if (wildLabel === undefined) return portMatches && url.hostname === host;
  const label = url.hostname.slice(0, -(host.length + 1));
  return portMatches && url.hostname.endsWith(`.${host}`) && LABEL.test(label);
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
  return (patterns ?? []).some((pattern) => matchesOrigin(pattern, origin));
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

let known: { raw: string; patterns: readonly string[] } | undefined;

async function indexedPatterns(store: OriginStore): Promise<readonly string[]> {
  const raw = (await store.get(ORIGIN_INDEX_KEY, { type: "text", cacheTtl: CACHE_TTL_SECONDS })) ?? "[]";
  if (known?.raw !== raw) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = [];
    }
    const patterns = Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === "string") : [];
    known = { raw, patterns: patterns.filter(isOriginPattern) };
  }
  return known.patterns;
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
      const patterns = await indexedPatterns(c.env.TENANTS);
      return patterns.some((pattern) => matchesOrigin(pattern, origin)) ? origin : null;
    },
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type"],
    exposeHeaders: ["x-amzn-RequestId", "x-amzn-ErrorType", "Retry-After", "RateLimit", "RateLimit-Policy"],
    // browsers cap it (Chromium at 2 h); 10 minutes keeps a tenant's removed origin from lingering long
    maxAge: 600,
  });
}
