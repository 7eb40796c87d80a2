import {
  type ChannelArnParts,
  isKvsError,
  parseChannelArn,
  parseJoinStorageSessionAsViewerInput,
  parseJoinStorageSessionInput,
} from "@kvs-webrtc-storage/core";
import * as z from "zod/mini";
import { ROLES, type Role } from "../auth/tenant-record.ts";

/** A validated operation input: the channel it targets, the role it acts in, and the viewer's id. */
export interface OperationInput {
  channel: ChannelArnParts;
  role: Role;
  clientId: string | undefined;
}

/** A valid input, or the client-facing reason it is not (rule names only, never the value). */
export type InputResult = { ok: true; input: OperationInput } | { ok: false; message: string };

const deviceSession = z.object({
  channelArn: z.string(),
  role: z.enum(ROLES),
  clientId: z.optional(z.string().check(z.regex(/^[a-zA-Z0-9_.-]{1,256}$/))),
});

/**
 * Validates a `JoinStorageSession` body with core's service model.
 *
 * @example
 * ```ts
 * parseJoin({ channelArn: "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1" });
 * ```
 */
export function parseJoin(body: unknown): InputResult {
  return modelled(() => ({ channelArn: parseJoinStorageSessionInput(body).channelArn, role: "MASTER" }));
}

/**
 * Validates a `JoinStorageSessionAsViewer` body with core's service model.
 *
 * @example
 * ```ts
 * parseViewerJoin({ channelArn, clientId: "viewer-1" });
 * ```
 */
export function parseViewerJoin(body: unknown): InputResult {
  return modelled(() => ({ ...parseJoinStorageSessionAsViewerInput(body), role: "VIEWER" }));
}

/**
 * Validates a `/v1/device-session` body: a viewer names itself, a master does not.
 *
 * @example
 * ```ts
 * parseDeviceSession({ channelArn, role: "VIEWER", clientId: "phone-1" });
 * ```
 */
export function parseDeviceSession(body: unknown): InputResult {
  const checked = deviceSession.safeParse(body);
  if (!checked.success) {
    return {
      ok: false,
      message: "body: must have channelArn, role MASTER or VIEWER, and an optional clientId",
    };
  }
  const { channelArn, role, clientId } = checked.data;
  if ((role === "VIEWER") !== (clientId !== undefined)) {
    return { ok: false, message: "clientId: is required for VIEWER and not allowed for MASTER" };
  }
  return modelled(() => ({ channelArn, role, clientId }));
}

function modelled(
  read: () => { channelArn: string; role: Role; clientId?: string | undefined },
): InputResult {
  try {
    const { channelArn, role, clientId } = read();
    const channel = parseChannelArn(channelArn);
    if (channel.resourceType !== "channel") {
      return { ok: false, message: "channelArn: must be a signaling channel ARN" };
    }
    return { ok: true, input: { channel, role, clientId } };
  } catch (error) {
    if (!isKvsError(error, "InvalidArgumentException")) throw error;
    const issues = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    return { ok: false, message: issues.join("; ") || "The request is invalid." };
  }
}
