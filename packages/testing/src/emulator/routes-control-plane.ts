import { Hono } from "hono";
import { ARN_RULE, NAME_RULE } from "./arn.ts";
import { authenticatedJson } from "./authenticate.ts";
import { type AwsError, awsErrorResponse, channelNotFound, invalidArgument, THROTTLED } from "./aws-error.ts";
import { type ChannelSeed, streamArnOf } from "./data-set.ts";
import type { LimitedOperation } from "./limits.ts";
import { createFieldReader, type FieldReader, type JsonObject } from "./request-body.ts";
import type { EmulatorState, RequestBindings } from "./state.ts";

const PROTOCOLS = ["WSS", "HTTPS", "WEBRTC"] as const;

type Found =
  | { readonly ok: true; readonly channel: ChannelSeed }
  | { readonly ok: false; readonly error: AwsError };

function findChannel(state: EmulatorState, fields: FieldReader, requireArn: boolean): Found {
  const arn = fields.string("ChannelARN", { ...ARN_RULE, required: requireArn });
  const name = requireArn ? undefined : fields.string("ChannelName", NAME_RULE);
  const error = fields.error();
  if (error) return { ok: false, error };
  if (arn === undefined && name === undefined) {
    return { ok: false, error: invalidArgument("Either ChannelName or ChannelARN must be specified.") };
  }
  const channel =
    arn === undefined ? state.registry.channelByName(name ?? "") : state.registry.channelByArn(arn);
  return channel ? { ok: true, channel } : { ok: false, error: channelNotFound() };
}

/** The channel a call is about, once it exists and the operation's quotas admit the call. */
function admitted(state: EmulatorState, operation: LimitedOperation, found: Found): Found {
  if (!found.ok || state.limits.admitCall(operation, found.channel, state.now())) return found;
  return { ok: false, error: THROTTLED };
}

function describeTarget(state: EmulatorState, operation: LimitedOperation, body: JsonObject): Found {
  return admitted(state, operation, findChannel(state, createFieldReader(body), false));
}

function versionOf(channel: ChannelSeed): string {
  return (
    channel.version ??
    btoa(`${channel.name}:${channel.creationTime}`)
      .replace(/[^A-Za-z0-9]/g, "")
      .slice(0, 20)
  );
}

/**
 * The KVS control plane (`kinesisvideo.<region>.amazonaws.com`): the three read operations the product uses.
 *
 * @example
 * const app = new Hono<{ Bindings: RequestBindings }>().route("/", controlPlaneRoutes(state));
 */
export function controlPlaneRoutes(state: EmulatorState): Hono<{ Bindings: RequestBindings }> {
  const app = new Hono<{ Bindings: RequestBindings }>();
  const fail = (error: AwsError) => awsErrorResponse(error, "control");

  app.post("/getSignalingChannelEndpoint", async (c) => {
    const body = await authenticatedJson(state, c.req.raw, c.env, "control", "ChannelARN");
    if (!body.ok) return body.response;
    const fields = createFieldReader(body.value);
    const config = fields.object("SingleMasterChannelEndpointConfiguration");
    const protocols = config?.enumList("Protocols", PROTOCOLS) ?? ["WSS", "HTTPS"];
    config?.string("Role", { oneOf: ["MASTER", "VIEWER"] });
    const found = admitted(state, "get-signaling-channel-endpoint", findChannel(state, fields, true));
    if (!found.ok) return fail(found.error);
    if (protocols.includes("WEBRTC") && !found.channel.mediaStorage) {
      return fail(
        invalidArgument(
          "The WEBRTC protocol is only available for channels with media storage configuration enabled.",
        ),
      );
    }
    const origin = state.endpointOrigin ?? new URL(c.req.url).origin;
    const wsOrigin = origin.replace(/^http/, "ws");
    return c.json({
      ResourceEndpointList: [...new Set(protocols)].map((protocol) => ({
        Protocol: protocol,
        ResourceEndpoint: protocol === "WSS" ? wsOrigin : origin,
      })),
    });
  });

  app.post("/describeSignalingChannel", async (c) => {
    const body = await authenticatedJson(state, c.req.raw, c.env, "control", "ChannelARN", "ChannelName");
    if (!body.ok) return body.response;
    const found = describeTarget(state, "describe-signaling-channel", body.value);
    if (!found.ok) return fail(found.error);
    const { channel } = found;
    return c.json({
      ChannelInfo: {
        ChannelName: channel.name,
        ChannelARN: channel.arn,
        ChannelType: "SINGLE_MASTER",
        ChannelStatus: "ACTIVE",
        CreationTime: channel.creationTime / 1000,
        SingleMasterConfiguration: { MessageTtlSeconds: 60 },
        Version: versionOf(channel),
      },
    });
  });

  app.post("/describeMediaStorageConfiguration", async (c) => {
    const body = await authenticatedJson(state, c.req.raw, c.env, "control", "ChannelARN", "ChannelName");
    if (!body.ok) return body.response;
    const found = describeTarget(state, "describe-media-storage-configuration", body.value);
    if (!found.ok) return fail(found.error);
    const { channel } = found;
    return c.json({
      MediaStorageConfiguration: channel.mediaStorage
        ? { Status: "ENABLED", StreamARN: streamArnOf(channel) }
        : { Status: "DISABLED" },
    });
  });

  return app;
}
