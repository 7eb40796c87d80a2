import type { Handler } from "hono";
import { authenticate } from "../auth/authenticate.ts";
import { authorize } from "../auth/authorize.ts";
import type { TenantRecord } from "../auth/tenant-record.ts";
import { type Config, loadConfig } from "../config/config.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { Failure } from "../http/failure.ts";
import { readJsonObject } from "../http/json-body.ts";
import { reject } from "../http/reject.ts";
import { enforceLimits } from "../limiter/enforce-limits.ts";
import { type LimitedOperation, operationLimits } from "../limiter/limits.ts";
import { type RateLimitVerdict, rateLimitHeaders } from "../limiter/rate-limit-headers.ts";
import type { InputResult, OperationInput } from "./inputs.ts";

/** What a forwarded operation produced (the response, or the failure to map) and what AWS said. */
export type Forwarded = ({ ok: true; response: Response } | { ok: false; failure: Failure }) & {
  upstreamStatus?: number | undefined;
  upstreamRequestId?: string | undefined;
};

/** One proxied operation: how its body is validated, which budget it draws from, and what it does. */
export interface Operation {
  name: string;
  limit: LimitedOperation;
  parse(body: Record<string, unknown>): InputResult;
  forward(context: { config: Config; input: OperationInput; tenant: TenantRecord }): Promise<Forwarded>;
}

/**
 * The pipeline shared by every operation route, in the order (body limit and content type
 * run before it as middleware): authenticate → validate → authorize → rate-limit → forward. Each step
 * that refuses ends the request, so nothing refused draws quota or reaches AWS.
 *
 * @example
 * ```ts
 * app.post("/joinStorageSession", jsonBody(), operationHandler(joinOperation));
 * ```
 */
export function operationHandler(operation: Operation): Handler<AppEnv> {
  return async (c) => {
    const log = c.get("log");
    log.operation = operation.name;
    const loaded = loadConfig(c.env);
    if (!loaded.ok) return reject(c, { kind: "misconfigured", detail: loaded.problems.join("; ") });
    const { config } = loaded;
    const auth = await authenticate(c.req.raw.headers, c.env, config);
    if (!auth.ok) return reject(c, auth.failure);
    log.tenant = auth.tenant.tenantId;
    const body = await readJsonObject(c);
    if (body === undefined)
      return reject(c, { kind: "invalid-input", message: "body: must be a JSON object" });
    const parsed = operation.parse(body);
    if (!parsed.ok) return reject(c, { kind: "invalid-input", message: parsed.message });
    const { input } = parsed;
    log.channel = input.channel.arn;
    if (!config.allowedRegions.has(input.channel.region)) {
      return reject(c, { kind: "invalid-input", message: "channelArn: region is not served by this proxy" });
    }
    const denied = authorize(auth.tenant, input.channel, input.role);
    if (denied !== undefined) return reject(c, denied);
    const checks = operationLimits(operation.limit, input.channel, config.limits, auth.tenant);
    const limited = await enforceLimits(c.env.LIMITER, checks, config.limiterTimeoutMs);
    if (!limited.ok) return reject(c, limited.failure);
    const forwarded = await operation.forward({ config, input, tenant: auth.tenant });
    if (forwarded.upstreamStatus !== undefined) log.upstreamStatus = forwarded.upstreamStatus;
    if (forwarded.upstreamRequestId !== undefined) log.upstreamRequestId = forwarded.upstreamRequestId;
    if (!forwarded.ok) return reject(c, forwarded.failure);
    return withRateLimitFields(forwarded.response, limited.verdicts[0]);
  };
}

function withRateLimitFields(response: Response, verdict: RateLimitVerdict | undefined): Response {
  if (verdict === undefined) return response;
  for (const [name, value] of Object.entries(rateLimitHeaders(verdict))) response.headers.set(name, value);
  return response;
}
