import { type Context, Hono } from "hono";
import { ARN_RULE, NAME_RULE } from "./arn.ts";
import { authenticatedJson } from "./authenticate.ts";
import { type AwsError, awsErrorResponse, channelNotFound, invalidArgument, THROTTLED } from "./aws-error.ts";
import type { LimitedOperation } from "./limits.ts";
import { createFieldReader } from "./request-body.ts";
import { sdpOfferMessage } from "./sdp-offer.ts";
import type { SignalingPeer } from "./signaling-sockets.ts";
import type { EmulatorState, RequestBindings } from "./state.ts";

type Env = { Bindings: RequestBindings };

const TOO_MANY_VIEWERS: AwsError = {
  type: "ClientLimitExceededException",
  status: 400,
  message:
    "The request was rejected because the maximum number of viewers connected to the session has been reached.",
};

/**
 * The WebRTC storage data plane (the WEBRTC endpoint): JoinStorageSession and JoinStorageSessionAsViewer.
 * A successful join answers 200 with an empty body and makes the storage session send an SDP offer to
 * the joining peer's signaling socket, if it is connected.
 *
 * @example
 * const app = new Hono<{ Bindings: RequestBindings }>().route("/", storageRoutes(state));
 */
export function storageRoutes(state: EmulatorState): Hono<Env> {
  const app = new Hono<Env>();
  app.post("/joinStorageSession", (c) => join(state, c, "master"));
  app.post("/joinStorageSessionAsViewer", (c) => join(state, c, "viewer"));
  return app;
}

async function join(
  state: EmulatorState,
  c: Context<Env>,
  operation: Extract<LimitedOperation, "master" | "viewer">,
): Promise<Response> {
  const fail = (error: AwsError) => awsErrorResponse(error, "storage");
  const body = await authenticatedJson(state, c.req.raw, c.env, "storage", "channelArn");
  if (!body.ok) return body.response;
  const fields = createFieldReader(body.value);
  const channelArn = fields.string("channelArn", { ...ARN_RULE, required: true });
  const clientId =
    operation === "viewer" ? fields.string("clientId", { ...NAME_RULE, required: true }) : undefined;
  const error = fields.error();
  if (error) return fail(error);
  const channel = channelArn === undefined ? undefined : state.registry.channelByArn(channelArn);
  if (!channel) return fail(channelNotFound());
  if (!channel.mediaStorage) {
    return fail(invalidArgument("The channel does not have media storage configuration enabled."));
  }
  const now = state.now();
  if (!state.limits.admitCall(operation, channel, now)) return fail(THROTTLED);
  if (clientId !== undefined && !state.limits.admitViewer(channel, clientId, now))
    return fail(TOO_MANY_VIEWERS);
  const peer: SignalingPeer =
    clientId === undefined
      ? { channelArn: channel.arn, role: "master" }
      : { channelArn: channel.arn, role: "viewer", clientId };
  if (!state.dropsOffer(c.req.path)) state.sockets.send(peer, sdpOfferMessage());
  return new Response(null, { status: 200 });
}
