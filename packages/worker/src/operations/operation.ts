/**
 * @module The handler every proxied operation shares, after the tenant is authenticated: validate the body
 * (core's service model) → region served → authorize the channel and role → rate-limit → forward.
 */
import { type ChannelArnParts, isKvsError, parseChannelArn } from "@kvs-webrtc-storage/core";
import type { Handler } from "hono";
import type { Config } from "../config/config.ts";
import { fail, ok, type Result, rateLimitHeaders, type UpstreamFailure } from "../errors/errors.ts";
import { readJsonObject, reject } from "../http/request.ts";
import { type LimitedOperation, type LimiterBindings, limitOperation } from "../limiter/limits.ts";
import { waitForSlot } from "../limiter/slot-wait.ts";
import type { DeviceGrant } from "../tenant-auth/device-token.ts";
import type { TenantVariables } from "../tenant-auth/tenant-auth.ts";
import { authorize, type Role, type TenantRecord } from "../tenant-auth/tenant-record.ts";

/** A validated operation input: the channel it targets, the role it acts in, and the viewer's id. */
export interface OperationInput {
  readonly channel: ChannelArnParts;
  readonly role: Role;
  readonly clientId: string | undefined;
}

/** What forwarding produced (the response, or the failure to map) and what AWS said, for the log. */
export type Forwarded =
  | {
      readonly ok: true;
      readonly value: Response;
      readonly upstreamStatus?: number;
      readonly upstreamRequestId?: string;
    }
  | UpstreamFailure;

/** One proxied operation: its name in the log, how its body is validated, its budget, and what it does. */
export interface Operation {
  readonly name: string;
  readonly limit: LimitedOperation;
  parse(body: Record<string, unknown>): Result<OperationInput, string>;
  forward(config: Config, input: OperationInput): Promise<Forwarded>;
}

/**
 * Runs `proxied` for the authenticated tenant (`tenantAuth()` runs before it). Each step that refuses ends
 * the request, so nothing refused draws quota or reaches AWS; an admitted answer carries the `RateLimit` fields.
 *
 * @example
 * app.post("/joinStorageSession", jsonBody(), configuration(), tenantAuth(), operation(joinOperation));
 */
export function operation(
  proxied: Operation,
): Handler<{ Bindings: LimiterBindings; Variables: TenantVariables }> {
  return async (c) => {
    // one variable each: `c.var` would copy them all into a new object at every access
    const config = c.get("config");
    const tenant = c.get("tenant");
    const credential = c.get("credential");
    const log = c.get("log");
    const body = await readJsonObject(c);
    if (!body.ok) return reject(c, body.error);
    const parsed = proxied.parse(body.value);
    if (!parsed.ok) return reject(c, { kind: "invalid-input", message: parsed.error });
    const input = parsed.value;
    log.channel = input.channel.arn;
    if (!config.ALLOWED_REGIONS.has(input.channel.region)) {
      return reject(c, { kind: "invalid-input", message: "channelArn: region is not served by this proxy" });
    }
    const allowed =
      credential.kind === "token"
        ? tokenGrants(credential.grant, tenant, input)
        : authorize(tenant, input.channel, input.role);
    if (!allowed.ok) return reject(c, { kind: "forbidden", message: allowed.error });
    const limited = await limitOperation(
      c.env.LIMITER,
      proxied.limit,
      input.role,
      input.channel,
      tenant,
      config,
    );
    if (!limited.ok) return reject(c, limited.error);
    const waited = await waitForSlot(limited.value, c.req.raw.signal, config, (work) =>
      c.executionCtx.waitUntil(work),
    );
    if (!waited.ok) return reject(c, waited.error);
    const forwarded = await proxied.forward(config, input);
    if (forwarded.upstreamStatus !== undefined) log.upstreamStatus = forwarded.upstreamStatus;
    if (forwarded.upstreamRequestId !== undefined) log.upstreamRequestId = forwarded.upstreamRequestId;
    if (!forwarded.ok) {
      // a join that never left gives its slot back: AWS did not count it, so the account's window should not
      if (forwarded.error.kind === "join-not-sent") c.executionCtx.waitUntil(limited.value.release());
      return reject(c, forwarded.error);
    }
    for (const [name, value] of Object.entries(rateLimitHeaders(limited.value.verdict))) {
      forwarded.value.headers.set(name, value);
    }
    return forwarded.value;
  };
}

/**
 * Validates what `read` takes from a body with core's service model, requiring a signaling-channel ARN; a
 * refusal names each field and the rule it breaks, never the value.
 *
 * @example
 * channelInput(() => ({ channelArn: parseJoinStorageSessionInput(body).channelArn, role: "MASTER" }));
 */
export function channelInput(
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

// a device token works for exactly its own channel, role and viewer, while its tenant still grants them; one
// message for every refusal, so a token cannot probe which other channels its tenant's grants hold
function tokenGrants(grant: DeviceGrant, tenant: TenantRecord, input: OperationInput): Result<void, string> {
  const same =
    grant.channelArn === input.channel.arn && grant.role === input.role && grant.clientId === input.clientId;
  return same && authorize(tenant, input.channel, input.role).ok
    ? ok(undefined)
    : fail("The token does not grant this channel, role or client id.");
}
