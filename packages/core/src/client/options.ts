/** @module Client options, checked once at construction. */
import { type Credentials, type CredentialsInput, credentialSource } from "../credentials.ts";
import { type InputIssue, invalidArgument } from "../errors/kvs-error.ts";
import { awsDomainOf, integerIn, isRegion, REGION_RULE } from "../model/rules.ts";

/** Receives the client's diagnostic events; never given credentials, signatures or tokens. */
export interface Logger {
  debug?(message: string, details: Record<string, unknown>): void;
  warn?(message: string, details: Record<string, unknown>): void;
}

/** Options of `createClient`. */
export interface ClientOptions {
  readonly credentials: CredentialsInput;
  /** Signing region; defaults to the region of each channel ARN. */
  readonly region?: string;
  /** The WEBRTC data-plane endpoint; when set, endpoint discovery is skipped for joins. */
  readonly endpoint?: string;
  /** Control-plane origin, or a function of the region; defaults to `https://kinesisvideo.<region>.amazonaws.com` (`.com.cn` in China). */
  readonly controlPlaneEndpoint?: string | ((region: string) => string);
  /**
   * Whether a discovered endpoint may receive signed requests; defaults to `endpointTrust(region, controlPlane)`:
   * the region's KVS hosts over TLS, or the control plane's own origin.
   */
  readonly isTrustedEndpoint?: (url: URL) => boolean;
  /**
   * Sends each signed request (default `globalThis.fetch`). One that throws a `KvsError` fails the call with that
   * error as it is (a local rate gate, say); the call's endpoint stays cached unless its code says it is stale.
   */
  readonly fetch?: typeof fetch;
  /** Attempts per call, first one included (default 3). Joins retry only answered, retryable errors. */
  readonly maxAttempts?: number;
  /** Per-attempt timeout in ms (default 5000). */
  readonly timeoutMs?: number;
  /** How long discovered endpoints are reused, in ms (default 5 minutes). */
  readonly endpointCacheTtlMs?: number;
  readonly logger?: Logger;
}

/** Clock, sleep and randomness; replaced in tests so nothing waits on real time. */
export interface ClientRuntime {
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
}

export interface ClientConfig {
  readonly credentials: () => Promise<Credentials>;
  readonly region: string | undefined;
  readonly endpoint: string | undefined;
  readonly controlPlane: (region: string) => string;
  readonly isTrustedEndpoint: ((url: URL) => boolean) | undefined;
  readonly fetch: typeof fetch;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  readonly endpointCacheTtlMs: number;
  readonly logger: Logger;
}

function httpUrl(issues: InputIssue[], path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol))
    return value;
  issues.push({ path, message: "must be an http(s) URL" });
  return undefined;
}

/** Validates `ClientOptions`, naming each invalid option and its rule. */
export function resolveOptions(options: ClientOptions, runtime: ClientRuntime): ClientConfig {
  const issues: InputIssue[] = [];
  const region = options.region;
  if (region !== undefined && !isRegion(region)) {
    issues.push({ path: "region", message: REGION_RULE });
  }
  const endpoint = httpUrl(issues, "endpoint", options.endpoint);
  const cp = options.controlPlaneEndpoint;
  const fixedControlPlane =
    typeof cp === "function" ? undefined : httpUrl(issues, "controlPlaneEndpoint", cp);
  const config: ClientConfig = {
    credentials: credentialSource(options.credentials, runtime.now),
    region,
    endpoint,
    controlPlane:
      typeof cp === "function"
        ? cp
        : (r: string) => fixedControlPlane ?? `https://kinesisvideo.${r}.${awsDomainOf(r)}`,
    isTrustedEndpoint: options.isTrustedEndpoint,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    maxAttempts: integerIn(issues, options, "maxAttempts", 1, 10, 3),
    timeoutMs: integerIn(issues, options, "timeoutMs", 1, 120_000, 5000),
    endpointCacheTtlMs: integerIn(issues, options, "endpointCacheTtlMs", 0, 86_400_000, 300_000),
    logger: options.logger ?? {},
  };
  if (issues.length > 0) throw invalidArgument(issues);
  return config;
}

/** Real time, real timers and `Math.random`. */
export const systemRuntime: ClientRuntime = {
  now: () => Date.now(),
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    }),
};
