import type { ChannelArnParts } from "@kvs-webrtc-storage/core";
import type { Failure } from "../http/failure.ts";
import { matchesGlob } from "./channel-glob.ts";
import type { Role, TenantRecord } from "./tenant-record.ts";

/**
 * Decides whether a tenant may use a channel in a role: some grant must match the ARN's account,
 * region and channel name, and the role must be granted. Checked on every request (OWASP API1).
 *
 * @example
 * ```ts
 * const denied = authorize(tenant, channel, "MASTER");
 * if (denied) return reject(c, denied);
 * ```
 */
export function authorize(tenant: TenantRecord, channel: ChannelArnParts, role: Role): Failure | undefined {
  const granted = tenant.channels.some(
    (grant) =>
      grant.accountId === channel.accountId &&
      grant.region === channel.region &&
      matchesGlob(grant.channelName, channel.channelName),
  );
  if (!granted) return { kind: "forbidden", message: "The tenant may not use this channel." };
  if (!tenant.roles.includes(role))
    return { kind: "forbidden", message: "The tenant may not use this role." };
  return undefined;
}
