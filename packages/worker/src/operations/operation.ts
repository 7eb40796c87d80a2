/**
 * @module The handler every proxied operation shares, after the tenant is authenticated: validate the body
 * (core's service model) → region served → authorize the channel and role → rate-limit → forward.
 */
import { type ChannelArnParts, isKvsError, parseChannelArn } from "@kvs-webrtc-storage/core";
import type { Handler } from "hono";
import type { Config } from "../config/config.ts";
import { type Failure, fail, ok, type Result, rateLimitHeaders, upstreamFailure } from "../errors/errors.ts";
import { readJsonObject } from "../http/json-body.ts";
import { reject } from "../http/request-log.ts";
import {
  enforceLimits,
  type LimitedOperation,
  type LimiterBindings,
  operationLimits,
} from "../limiter/limits.ts";
import { authorize, type Role } from "../tenant-auth/tenant-record.ts";

/** A validated operation input: the channel it targets, the role it acts in, and the viewer's id. */
export interface OperationInput {
  readonly channel: ChannelArnParts;
  readonly role: Role;
  readonly clientId: string | undefined;
}

/** What forwarding produced (the response, or the failure to map) and what AWS said, for the log. */
export type Forwarded = Result<Response> & {
  readonly upstreamStatus?: number | undefined;
  readonly upstreamRequestId?: string | undefined;
};

/** One proxied operation: its name in the log, how its body is validated, its budget, and what it does. */
export interface Operation {
  readonly name: string;
  readonly limit: LimitedOperation;
  parse(body: Record<string, unknown>): Result<OperationInput, string>;
  forward(config: Config, input: OperationInput): Promise<Forwarded>;
}

/**
 * Runs `operation` for the authenticated tenant (`tenantAuth()` runs before it). Each step that refuses ends
 * the request, so nothing refused draws quota or reaches AWS; an admitted answer carries the `RateLimit` fields.
 *
 * @example
 * app.post("/joinStorageSession", jsonBody(), configuration(), tenantAuth(), operation(joinOperation));
 */
export function operation(operation: Operation): Handler<{ Bindings: LimiterBindings }> {
  return async (c) => {
    const { config, tenant, log } = c.var;
    const body = await readJsonObject(c);
    if (body === undefined)
      return reject(c, { kind: "invalid-input", message: "body: must be a JSON object" });
    const parsed = operation.parse(body);
    if (!parsed.ok) return reject(c, { kind: "invalid-input", message: parsed.error });
    const input = parsed.value;
    log.channel = input.channel.arn;
    if (!config.ALLOWED_REGIONS.has(input.channel.region)) {
      return reject(c, { kind: "invalid-input", message: "channelArn: region is not served by this proxy" });
    }
    const denied = authorize(tenant, input.channel, input.role);
    if (denied !== undefined) return reject(c, denied);
    const checks = operationLimits(operation.limit, input.channel, config, tenant.limits);
    const limited = await enforceLimits(c.env.LIMITER, checks, config.LIMITER_TIMEOUT_MS);
    if (!limited.ok) return reject(c, limited.error);
    const forwarded = await operation.forward(config, input);
    if (forwarded.upstreamStatus !== undefined) log.upstreamStatus = forwarded.upstreamStatus;
    if (forwarded.upstreamRequestId !== undefined) log.upstreamRequestId = forwarded.upstreamRequestId;
    if (!forwarded.ok) return reject(c, forwarded.error);
    const [verdict] = limited.value;
    if (verdict !== undefined) {
      for (const [name, value] of Object.entries(rateLimitHeaders(verdict)))
        forwarded.value.headers.set(name, value);
    }
    return forwarded.value;
  };
}

/**
 * Validates what `read` takes from a body with core's service model: a signaling-channel ARN, and the rule
 * each invalid field breaks (rule names only, never the value).
 *
 * @example
 * modelled(() => ({ channelArn: parseJoinStorageSessionInput(body).channelArn, role: "MASTER" }));
 */
export function modelled(
  read: () => { channelArn: string; role: Role; clientId?: string | undefined },
): Result<OperationInput, string> {
  try {
    const { channelArn, role, clientId } = read();
    const channel = parseChannelArn(channelArn);
    if (channel.resourceType !== "channel") return fail("channelArn: must be a signaling channel ARN");
    return ok({ channel, role, clientId });
  } catch (error) {
    if (!isKvsError(error, "InvalidArgumentException")) throw error;
    const issues = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    return fail(issues.join("; ") || "The request is invalid.");
  }
}

/**
 * The forwarding result for an error thrown by core, with AWS's status and request id for the log.
 *
 * @example
 * try { … } catch (error) { return forwardingFailed(error); }
 */
export function forwardingFailed(error: unknown): Forwarded {
  const failure: Failure = upstreamFailure(error);
  if (!isKvsError(error)) return fail(failure);
  return { ...fail(failure), upstreamStatus: error.status, upstreamRequestId: error.requestId };
}
