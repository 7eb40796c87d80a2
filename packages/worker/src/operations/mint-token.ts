/**
 * @module `POST /v1/tokens`: the tenant's backend, holding the tenant key, mints a short-lived device token for one
 * channel, role, viewer and (optionally) browser origin. Never meant for a browser: it takes the tenant key.
 */
import type { Handler } from "hono";
import { readJsonObject, reject } from "../http/request.ts";
import { signDeviceToken } from "../tenant-auth/device-token.ts";
import { originAllowed } from "../tenant-auth/origins.ts";
import type { TenantVariables } from "../tenant-auth/tenant-auth.ts";
import { authorize } from "../tenant-auth/tenant-record.ts";
import { parseDeviceInput } from "./device-session.ts";

// what a token lives when the request does not say
const DEFAULT_TTL_SECONDS = 900;

/** `<scheme>://<host>[:port]` exactly as a browser sends it in `Origin`. */
export function isOrigin(value: string): boolean {
  return URL.canParse(value) && new URL(value).origin === value && /^https?:$/.test(new URL(value).protocol);
}

/**
 * The minting handler (`tenantAuth()` runs before it): the channel must be within the tenant's grants, the role
 * granted, and the lifetime at most `TOKEN_MAX_TTL_SECONDS`; answers `{token, expiresAt}`, uncacheable.
 *
 * @example
 * app.post("/v1/tokens", jsonBody(), configuration(), tenantAuth(), mintToken());
 * // → { token: "eyJ…", expiresAt: "2026-12-01T12:15:00.000Z" }
 */
export function mintToken(): Handler<{ Variables: TenantVariables }> {
  return async (c) => {
    const config = c.get("config");
    const tenant = c.get("tenant");
    const credential = c.get("credential");
    const log = c.get("log");
    if (credential.kind !== "key") {
      return reject(c, { kind: "forbidden", message: "A device token cannot mint tokens." });
    }
    // the tenant key must not live in a page: minting is for the tenant's backend
    if (c.req.header("origin") !== undefined) {
      return reject(c, {
        kind: "forbidden",
        message: "Tokens are minted by the tenant's backend, not a browser.",
      });
    }
    const [signingKey] = config.TOKEN_SIGNING_KEYS ?? [];
    if (signingKey === undefined)
      return reject(c, { kind: "misconfigured", detail: "no TOKEN_SIGNING_KEYS" });
    const body = await readJsonObject(c);
    if (!body.ok) return reject(c, body.error);
    const parsed = parseDeviceInput(body.value);
    if (!parsed.ok) return reject(c, { kind: "invalid-input", message: parsed.error });
    const { channel, role, clientId } = parsed.value;
    log.channel = channel.arn;
    const maxTtl = config.TOKEN_MAX_TTL_SECONDS;
    const { ttlSeconds = Math.min(DEFAULT_TTL_SECONDS, maxTtl), origin } = body.value;
    if (
      typeof ttlSeconds !== "number" ||
      !Number.isInteger(ttlSeconds) ||
      ttlSeconds < 1 ||
      ttlSeconds > maxTtl
    ) {
      return reject(c, {
        kind: "invalid-input",
        message: `ttlSeconds: must be an integer from 1 to ${maxTtl}`,
      });
    }
    if (origin !== undefined && (typeof origin !== "string" || !isOrigin(origin))) {
      return reject(c, {
        kind: "invalid-input",
        message: "origin: must be a browser origin such as https://app.example.com",
      });
    }
    if (!config.ALLOWED_REGIONS.has(channel.region)) {
      return reject(c, { kind: "invalid-input", message: "channelArn: region is not served by this proxy" });
    }
    const allowed = authorize(tenant, channel, role);
    if (!allowed.ok) return reject(c, { kind: "forbidden", message: allowed.error });
    if (typeof origin === "string" && !originAllowed(tenant.origins, undefined, origin)) {
      return reject(c, { kind: "forbidden", message: "The tenant does not allow this origin." });
    }
    const minting = { tenantId: tenant.tenantId, keyHash: credential.keyHash, key: signingKey, ttlSeconds };
    const token = await signDeviceToken(
      { channelArn: channel.arn, role, clientId, origin },
      { ...minting, nowMs: Date.now() },
    );
    // a bearer credential: no cache may keep it
    return c.json(token, 200, { "Cache-Control": "no-store" });
  };
}
