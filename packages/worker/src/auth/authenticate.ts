import type { Config } from "../config/config.ts";
import type { Env } from "../env.ts";
import { clientAddress } from "../http/client-address.ts";
import type { Failure } from "../http/failure.ts";
import { enforceLimits } from "../limiter/enforce-limits.ts";
import { askLimiter } from "../limiter/limiter-client.ts";
import { authFailureLimits } from "../limiter/limits.ts";
import { isSuspect, markSuspect } from "./failure-suspects.ts";
import { parseBearer } from "./tenant-key.ts";
import type { TenantRecord } from "./tenant-record.ts";
import { findTenant } from "./tenant-registry.ts";
import { secretMatches } from "./verify-secret.ts";

/** The authenticated tenant, or the failure to answer with. */
export type AuthOutcome = { ok: true; tenant: TenantRecord } | { ok: false; failure: Failure };

/**
 * Authenticates the tenant key of a request. Unknown key, wrong secret and disabled tenant are the
 * same 401; each failure is counted per key id and per client address, and a key id or address that
 * failed recently and is over its failure budget is refused before its secret is even compared.
 *
 * @example
 * ```ts
 * const auth = await authenticate(request.headers, env, config);
 * if (!auth.ok) return reject(c, auth.failure);
 * ```
 */
export async function authenticate(headers: Headers, env: Env, config: Config): Promise<AuthOutcome> {
  const key = parseBearer(headers.get("authorization") ?? undefined);
  const address = clientAddress(headers);
  const now = Date.now();
  const peeks = authFailureLimits(key?.keyId, address, config.limits, false).filter((check) =>
    isSuspect(check.call.objectName, now),
  );
  const [refusal, tenant] = await Promise.all([
    peeks.length === 0 ? undefined : enforceLimits(env.LIMITER, peeks, config.limiterTimeoutMs),
    key === undefined ? undefined : findTenant(env.TENANTS, key.keyId),
  ]);
  if (refusal !== undefined && !refusal.ok) return { ok: false, failure: refusal.failure };
  const matches = key !== undefined && (await secretMatches(key.secret, tenant?.keyHashes ?? []));
  if (matches && tenant !== undefined && !tenant.disabled) return { ok: true, tenant };
  const failures = authFailureLimits(key?.keyId, address, config.limits, true);
  for (const { call } of failures) markSuspect(call.objectName, now + call.policy.windowSeconds * 1000);
  // Counting is best effort: a limiter outage must not turn a 401 into something more informative.
  await Promise.all(failures.map((check) => askLimiter(env.LIMITER, check.call, config.limiterTimeoutMs)));
  return { ok: false, failure: { kind: "unauthenticated" } };
}
