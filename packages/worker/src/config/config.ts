import type { Env } from "../env.ts";
import {
  credentialsVariables,
  integerVariable,
  originVariable,
  regionsVariable,
  type VariableResult,
} from "./variables.ts";

/** Requests per second (channel and account) or per minute (auth failures) before a 429. */
export interface Limits {
  joinPerSecond: number;
  deviceSessionPerSecond: number;
  accountJoinPerSecond: number;
  authFailuresPerMinute: number;
}

/** The validated configuration of one deployment. */
export interface Config {
  allowedRegions: ReadonlySet<string>;
  controlPlaneOrigin: string | undefined;
  emulatorOrigin: string | undefined;
  limits: Limits;
  limiterTimeoutMs: number;
  upstreamTimeoutMs: number;
  presignExpiresSeconds: number;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** A valid configuration, or one message per invalid variable (never containing a value). */
export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const cache = new WeakMap<Env, ConfigResult>();

/**
 * Validates the Worker's variables and secrets once per `env` object.
 *
 * @example
 * ```ts
 * const result = loadConfig(env);
 * if (!result.ok) console.error(result.problems.join("\n"));
 * ```
 */
export function loadConfig(env: Env): ConfigResult {
  const cached = cache.get(env);
  if (cached !== undefined) return cached;
  const result = validate(env);
  cache.set(env, result);
  return result;
}

function validate(env: Env): ConfigResult {
  const allowedRegions = regionsVariable("ALLOWED_REGIONS", env.ALLOWED_REGIONS);
  const controlPlaneOrigin = originVariable("CONTROL_PLANE_ORIGIN", env.CONTROL_PLANE_ORIGIN, {
    loopbackOnly: false,
  });
  const emulatorOrigin = originVariable("EMULATOR_ORIGIN", env.EMULATOR_ORIGIN, { loopbackOnly: true });
  const perSecond = { min: 1, max: 1000 };
  const join = integerVariable("JOIN_LIMIT_PER_SECOND", env.JOIN_LIMIT_PER_SECOND, {
    ...perSecond,
    fallback: 2,
  });
  const deviceSession = integerVariable(
    "DEVICE_SESSION_LIMIT_PER_SECOND",
    env.DEVICE_SESSION_LIMIT_PER_SECOND,
    {
      ...perSecond,
      fallback: 3,
    },
  );
  const account = integerVariable("ACCOUNT_JOIN_LIMIT_PER_SECOND", env.ACCOUNT_JOIN_LIMIT_PER_SECOND, {
    ...perSecond,
    fallback: 50,
  });
  const authFailures = integerVariable("AUTH_FAILURE_LIMIT_PER_MINUTE", env.AUTH_FAILURE_LIMIT_PER_MINUTE, {
    min: 1,
    max: 600,
    fallback: 10,
  });
  // The acceptance criteria cap the limiter wait at 1 s and the upstream wait at 10 s.
  const limiterTimeout = integerVariable("LIMITER_TIMEOUT_MS", env.LIMITER_TIMEOUT_MS, {
    min: 1,
    max: 1000,
    fallback: 1000,
  });
  const upstreamTimeout = integerVariable("UPSTREAM_TIMEOUT_MS", env.UPSTREAM_TIMEOUT_MS, {
    min: 1,
    max: 10_000,
    fallback: 5000,
  });
  const presignExpires = integerVariable("PRESIGN_EXPIRES_SECONDS", env.PRESIGN_EXPIRES_SECONDS, {
    min: 30,
    max: 300,
    fallback: 300,
  });
  const credentials = credentialsVariables({
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN,
  });
  const all: VariableResult<unknown>[] = [
    allowedRegions,
    controlPlaneOrigin,
    emulatorOrigin,
    join,
    deviceSession,
    account,
    authFailures,
    limiterTimeout,
    upstreamTimeout,
    presignExpires,
    ...credentials,
  ];
  const problems = all.flatMap((result) => (result.ok ? [] : [result.message]));
  const [credential] = credentials;
  if (
    !allowedRegions.ok ||
    !controlPlaneOrigin.ok ||
    !emulatorOrigin.ok ||
    !join.ok ||
    !deviceSession.ok ||
    !account.ok ||
    !authFailures.ok ||
    !limiterTimeout.ok ||
    !upstreamTimeout.ok ||
    !presignExpires.ok ||
    credential === undefined ||
    !credential.ok
  ) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    config: {
      allowedRegions: allowedRegions.value,
      controlPlaneOrigin: controlPlaneOrigin.value,
      emulatorOrigin: emulatorOrigin.value,
      limits: {
        joinPerSecond: join.value,
        deviceSessionPerSecond: deviceSession.value,
        accountJoinPerSecond: account.value,
        authFailuresPerMinute: authFailures.value,
      },
      limiterTimeoutMs: limiterTimeout.value,
      upstreamTimeoutMs: upstreamTimeout.value,
      presignExpiresSeconds: presignExpires.value,
      credentials: credential.value,
    },
  };
}
