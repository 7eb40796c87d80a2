/**
 * @module The deployment's configuration as one table: each variable declared once with its parser, bounds and
 * default; `configuration()` validates them once per `env` and puts the result on the context.
 */
import { isRegion } from "@kvs-webrtc-storage/core";
import type { MiddlewareHandler } from "hono";
import { fail, ok, type Result } from "../errors/errors.ts";
import { type RequestVariables, reject } from "../http/request.ts";

/** Reads one variable: its value, or what it must be (never repeating the value). */
type Parser<T> = (raw: string | undefined) => Result<T, string>;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

const integer =
  (min: number, max: number, fallback: number): Parser<number> =>
  (raw) => {
    if (raw === undefined || raw.trim() === "") return ok(fallback);
    const value = Number(raw.trim());
    const inBounds = Number.isInteger(value) && value >= min && value <= max;
    return inBounds ? ok(value) : fail(`must be a whole number from ${min} to ${max}`);
  };

// 0, or long enough that a device told its turn in whole seconds (rounded down, so up to 1 s early) is held
const queueWait: Parser<number> = (raw) => {
  const parsed = integer(0, 30_000, 3000)(raw);
  return parsed.ok && (parsed.value === 0 || parsed.value >= 2000)
    ? parsed
    : fail("must be 0 (never hold) or a whole number from 2000 to 30000");
};

const regions: Parser<ReadonlySet<string>> = (raw) => {
  const list = (raw ?? "").split(",").flatMap((region) => (region.trim() === "" ? [] : [region.trim()]));
  if (list.length > 0 && list.every(isRegion)) return ok(new Set(list));
  return fail("must be a comma-separated list of AWS regions, such as us-west-2,eu-west-1");
};

// a bare origin (scheme, host, port); plain http only for loopback hosts, and `loopbackOnly` refuses the rest
const origin =
  (loopbackOnly: boolean): Parser<string | undefined> =>
  (raw) => {
    if (raw === undefined || raw.trim() === "") return ok(undefined);
    const url = URL.parse(raw.trim());
    const loopback = url !== null && LOOPBACK_HOSTS.has(url.hostname);
    const bare =
      url !== null && url.pathname === "/" && url.username === "" && url.password === "" && !url.search;
    const scheme = url?.protocol === "https:" || (url?.protocol === "http:" && loopback);
    if (url !== null && bare && !url.hash && scheme && (loopback || !loopbackOnly)) return ok(url.origin);
    return fail(
      loopbackOnly
        ? "must be a loopback origin such as http://127.0.0.1:8790 (the emulator is for local runs only)"
        : "must be an https origin without path, query or credentials, such as https://kinesisvideo.us-west-2.amazonaws.com",
    );
  };

// secrets are kept out of enumeration, so no log line, spread or JSON of the configuration can carry them
const SECRETS = new WeakSet<Parser<unknown>>();
const secret = <T>(parser: Parser<T>): Parser<T> => {
  SECRETS.add(parser as Parser<unknown>);
  return parser;
};
const required =
  (rule: RegExp, expectation: string): Parser<string> =>
  (raw) => {
    const value = raw?.trim() ?? "";
    return rule.test(value) ? ok(value) : fail(`must be set (wrangler secret put) to ${expectation}`);
  };

/** A device-token signing key: its id (the JWT `kid`) and its secret. */
export interface TokenSigningKey {
  readonly kid: string;
  readonly secret: string;
}

/**
 * Reads device-token signing keys: `<kid>:<secret>` entries, comma-separated, the current key first (the others
 * only verify tokens they minted); `undefined` when unset.
 *
 * @example
 * parseTokenSigningKeys("k2:…,k1:…"); // { ok: true, value: [{ kid: "k2", secret: "…" }, { kid: "k1", secret: "…" }] }
 */
export const parseTokenSigningKeys: Parser<readonly TokenSigningKey[] | undefined> = (raw) => {
  if (raw === undefined || raw.trim() === "") return ok(undefined);
  const keys = raw
    .split(",")
    .map((entry) => /^([a-z0-9-]{1,32}):([A-Za-z0-9_-]{32,512})$/.exec(entry.trim()));
  const kids = new Set(keys.map((key) => key?.[1]));
  // a repeated kid would verify its tokens under whichever secret comes first
  if (keys.length <= 4 && keys.every((key) => key !== null) && kids.size === keys.length) {
    return ok(keys.map((key) => ({ kid: key?.[1] ?? "", secret: key?.[2] ?? "" })));
  }
  return fail(
    "must be up to 4 comma-separated <kid>:<secret> keys with distinct kids, the current first (kid: a-z 0-9 -; secret: 32+ base64url characters)",
  );
};

/** Every variable and secret of the Worker, in the order problems are reported. */
const VARIABLES = {
  ALLOWED_REGIONS: regions,
  CONTROL_PLANE_ORIGIN: origin(false),
  EMULATOR_ORIGIN: origin(true),
  // requests per second per channel and per AWS account and region, before a 429
  JOIN_LIMIT_PER_SECOND: integer(1, 1000, 2),
  DEVICE_SESSION_LIMIT_PER_SECOND: integer(1, 1000, 3),
  ACCOUNT_JOIN_LIMIT_PER_SECOND: integer(1, 1000, 50),
  // added to each one-second window, so the jitter between the proxy's decision and AWS's cannot put one more
  // admitted call into an AWS second
  LIMIT_WINDOW_MARGIN_MS: integer(0, 500, 50),
  // a join that must wait at most this long for its slot is held until it and sent; a longer wait is answered
  // 429 with the time of the device's turn (0: never held, a join that does not fit now is refused)
  MAX_QUEUE_WAIT_MS: queueWait,
  // joins held at once, per limiter object and per isolate; beyond them a join is told when to come back
  MAX_HELD_REQUESTS: integer(1, 10_000, 1000),
  // failed credentials per minute from one client address with one key id, and from one address in all
  AUTH_FAILURE_LIMIT_PER_MINUTE: integer(1, 600, 10),
  AUTH_ADDRESS_FAILURE_LIMIT_PER_MINUTE: integer(1, 6000, 60),
  // the limiter is given at most 1 s and AWS at most 10 s after the send, then the request fails (503 / 504)
  LIMITER_TIMEOUT_MS: integer(1, 1000, 1000),
  UPSTREAM_TIMEOUT_MS: integer(1, 10_000, 5000),
  PRESIGN_EXPIRES_SECONDS: integer(30, 300, 300),
  AWS_ACCESS_KEY_ID: secret(required(/^[A-Z0-9]{16,128}$/, "an AWS access key id")),
  AWS_SECRET_ACCESS_KEY: secret(required(/^.{16,}$/s, "the AWS secret key")),
  AWS_SESSION_TOKEN: secret((raw) => ok(raw?.trim() || undefined)),
  // device tokens: off until a signing key is set (wrangler secret put TOKEN_SIGNING_KEYS)
  TOKEN_SIGNING_KEYS: secret(parseTokenSigningKeys),
  TOKEN_MAX_TTL_SECONDS: integer(60, 86_400, 3600),
} satisfies Record<string, Parser<unknown>>;

/** The name of a Worker variable or secret. */
export type VariableName = keyof typeof VARIABLES;

/** The variables as the Worker's `env` holds them. */
export type ConfigBindings = { readonly [Name in VariableName]?: string };

/** The validated configuration of one deployment, keyed by variable name. */
export type Config = {
  readonly [Name in VariableName]: (typeof VARIABLES)[Name] extends Parser<infer T> ? T : never;
};

/** What `configuration()` adds to the context. */
export interface ConfigVariables extends RequestVariables {
  config: Config;
}

const cache = new WeakMap<ConfigBindings, Result<Config, string[]>>();

/**
 * Validates the Worker's variables and secrets once per `env` object: the configuration, or one problem per
 * invalid variable, naming it and never its value.
 *
 * @example
 * const loaded = loadConfig(env);
 * if (!loaded.ok) console.error(loaded.error.join("\n")); // "JOIN_LIMIT_PER_SECOND: must be a whole number…"
 */
export function loadConfig(env: ConfigBindings): Result<Config, string[]> {
  let loaded = cache.get(env);
  if (loaded === undefined) {
    const config: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [name, parse] of Object.entries(VARIABLES)) {
      const read = parse as Parser<unknown>;
      const result = read(env[name as VariableName]);
      if (result.ok)
        Object.defineProperty(config, name, { value: result.value, enumerable: !SECRETS.has(read) });
      else problems.push(`${name}: ${result.error}`);
    }
    loaded = problems.length === 0 ? ok(config as Config) : fail(problems);
    cache.set(env, loaded);
  }
  return loaded;
}

/**
 * Puts the validated configuration on the context, or answers 500 `InternalFailure` naming nothing (the
 * problems go to the request's log line only).
 *
 * @example
 * app.post("/joinStorageSession", configuration(), handler); // handler reads c.get("config")
 */
export function configuration(): MiddlewareHandler<{ Bindings: ConfigBindings; Variables: ConfigVariables }> {
  return async (c, next) => {
    const loaded = loadConfig(c.env);
    if (!loaded.ok) return reject(c, { kind: "misconfigured", detail: loaded.error.join("; ") });
    c.set("config", loaded.value);
    return next();
  };
}
