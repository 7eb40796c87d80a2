import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import type { Env } from "../../src/env.ts";
import worker from "../../src/worker.ts";

/** The emulator's operator credentials (fixtures); the log-scan test looks for them. */
export const OPERATOR = {
  accessKeyId: "AKIAEMULATOROPERATOR",
  secretAccessKey: "emulator-operator-secret-not-for-production",
} as const;

/** The device-token signing key of the tests (`kid:secret`). */
export const TOKEN_KEY = "test-1:test-token-signing-key-0123456789abcdef";

/** Bindings from wrangler.toml plus test configuration; reuse one object per scenario (config is cached by it). */
export function testEnv(overrides: Partial<Env> = {}): Env {
  return {
    ...env,
    ALLOWED_REGIONS: "us-west-2,eu-west-1",
    AWS_ACCESS_KEY_ID: OPERATOR.accessKeyId,
    AWS_SECRET_ACCESS_KEY: OPERATOR.secretAccessKey,
    TOKEN_SIGNING_KEYS: TOKEN_KEY,
    ...overrides,
  };
}

/** {@link testEnv} with holding off: a join that does not fit now is refused, as the window tests expect. */
export function refusingEnv(overrides: Partial<Env> = {}): Env {
  return testEnv({ MAX_QUEUE_WAIT_MS: "0", ...overrides });
}

/** Sends a request through the Worker's real entry point, waiting for its background work. */
export async function send(bindings: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://proxy.example${path}`, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A JSON POST as the seeds' generated client sends it: bearer key, JSON content type. */
export function post(bindings: Env, path: string, body: unknown, key?: string, headers: HeadersInit = {}) {
  return send(bindings, path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...Object.fromEntries(new Headers(headers)),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
