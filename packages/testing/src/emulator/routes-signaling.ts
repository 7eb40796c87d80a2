import { Hono } from "hono";
import { ARN_RULE, NAME_RULE } from "./arn.ts";
import { authenticatedJson } from "./authenticate.ts";
import { type AwsError, awsErrorResponse, channelNotFound, THROTTLED } from "./aws-error.ts";
import { createFieldReader } from "./request-body.ts";
import { authorizeConnect } from "./signaling-connect.ts";
import type { EmulatorState, RequestBindings } from "./state.ts";

const ICE_TTL_SECONDS = 300;

function randomSecret(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))));
}

/**
 * The signaling endpoints: HTTPS `GetIceServerConfig`, and the WSS endpoint when reached by plain
 * `fetch` (which cannot upgrade: a valid request gets 426; hosts upgrade through `connectSignaling`).
 *
 * @example
 * const app = new Hono<{ Bindings: RequestBindings }>().route("/", signalingRoutes(state));
 */
export function signalingRoutes(state: EmulatorState): Hono<{ Bindings: RequestBindings }> {
  const app = new Hono<{ Bindings: RequestBindings }>();
  const fail = (error: AwsError) => awsErrorResponse(error, "signaling");

  app.post("/v1/get-ice-server-config", async (c) => {
    const body = await authenticatedJson(state, c.req.raw, c.env, "signaling", "ChannelARN");
    if (!body.ok) return body.response;
    const fields = createFieldReader(body.value);
    const channelArn = fields.string("ChannelARN", { ...ARN_RULE, required: true });
    fields.string("ClientId", NAME_RULE);
    fields.string("Service", { oneOf: ["TURN"] });
    fields.string("Username", NAME_RULE);
    const error = fields.error();
    if (error) return fail(error);
    const channel = channelArn === undefined ? undefined : state.registry.channelByArn(channelArn);
    if (!channel) return fail(channelNotFound());
    if (!state.limits.admitCall("get-ice-server-config", channel, state.now())) return fail(THROTTLED);
    const host = new URL(state.endpointOrigin ?? c.req.url).hostname;
    const expiry = Math.floor(state.now() / 1000) + ICE_TTL_SECONDS;
    return c.json({
      IceServerList: [
        {
          Uris: [`turn:${host}:443?transport=udp`, `turns:${host}:443?transport=tcp`],
          Username: `${expiry}:${btoa(channel.arn)}`,
          Password: randomSecret(),
          Ttl: ICE_TTL_SECONDS,
        },
      ],
    });
  });

  app.get("/", async (c) => {
    const decision = await authorizeConnect(state, c.req.raw);
    if (!decision.ok) return fail(decision.error);
    return c.json({ Message: "Connect to this endpoint with a WebSocket upgrade." }, 426);
  });

  return app;
}
