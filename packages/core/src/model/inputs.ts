/** @module The request shapes of the client operations, validated before any network call. */
import { type InputIssue, invalidArgument } from "../errors/kvs-error.ts";
import {
  channelArnRule,
  checkField,
  checkValue,
  clientIdRule,
  objectOf,
  protocolRule,
  roleRule,
} from "./rules.ts";

export interface JoinStorageSessionInput {
  readonly channelArn: string;
}

export interface JoinStorageSessionAsViewerInput {
  readonly channelArn: string;
  readonly clientId: string;
}

/**
 * Validates a `JoinStorageSession` body; unknown members are dropped as AWS ignores them.
 *
 * @example
 * const { channelArn } = parseJoinStorageSessionInput(await request.json());
 */
export function parseJoinStorageSessionInput(input: unknown): JoinStorageSessionInput {
  const body = objectOf(input, "body", "must be a JSON object with channelArn");
  const issues: InputIssue[] = [];
  const channelArn = checkField(body, "channelArn", channelArnRule, issues);
  return valid(issues, { channelArn });
}

/**
 * Validates a `JoinStorageSessionAsViewer` body.
 *
 * @example
 * const { channelArn, clientId } = parseJoinStorageSessionAsViewerInput(body);
 */
export function parseJoinStorageSessionAsViewerInput(input: unknown): JoinStorageSessionAsViewerInput {
  const body = objectOf(input, "body", "must be a JSON object with channelArn and clientId");
  const issues: InputIssue[] = [];
  const channelArn = checkField(body, "channelArn", channelArnRule, issues);
  const clientId = checkField(body, "clientId", clientIdRule, issues);
  return valid(issues, { channelArn, clientId });
}

/** Endpoint kinds of a signaling channel. */
export type SignalingProtocol = "WSS" | "HTTPS" | "WEBRTC";
export type ChannelRole = "MASTER" | "VIEWER";

export interface GetSignalingChannelEndpointInput {
  readonly channelArn: string;
  readonly protocols: readonly SignalingProtocol[];
  readonly role: ChannelRole;
}

export interface GetIceServerConfigInput {
  readonly channelArn: string;
  readonly clientId?: string | undefined;
  readonly role?: ChannelRole | undefined;
}

export function parseGetSignalingChannelEndpointInput(input: unknown): GetSignalingChannelEndpointInput {
  const object = objectOf(input, "input", "must be an object with channelArn, protocols and role");
  const issues: InputIssue[] = [];
  const channelArn = checkField(object, "channelArn", channelArnRule, issues);
  const protocols = protocolList(object, issues);
  const role = checkValue(roleRule, object.role, "role", issues, false);
  return valid(issues, { channelArn, protocols, role });
}

export function parseGetIceServerConfigInput(input: unknown): GetIceServerConfigInput {
  const object = objectOf(input, "input", "must be an object with channelArn");
  const issues: InputIssue[] = [];
  const channelArn = checkField(object, "channelArn", channelArnRule, issues);
  const { clientId, role } = object;
  return valid(issues, {
    channelArn,
    ...(clientId === undefined ? {} : { clientId: checkValue(clientIdRule, clientId, "clientId", issues) }),
    ...(role === undefined ? {} : { role: checkValue(roleRule, role, "role", issues) }),
  });
}

// a list of distinct protocols; the list rules are checked only once each protocol is one
function protocolList(
  object: Record<string, unknown>,
  issues: InputIssue[],
): SignalingProtocol[] | undefined {
  const list = object.protocols;
  if (!Array.isArray(list)) {
    const absent = !Object.hasOwn(object, "protocols") || list === undefined;
    issues.push({
      path: "protocols",
      message: absent ? "is required" : "must be an array of WSS, HTTPS or WEBRTC",
    });
    return undefined;
  }
  const before = issues.length;
  for (let i = 0; i < list.length; i++) checkValue(protocolRule, list[i], `protocols.${i}`, issues, false);
  if (issues.length > before) return undefined;
  if (list.length === 0) issues.push({ path: "protocols", message: "must list at least one protocol" });
  else if (new Set(list).size < list.length)
    issues.push({ path: "protocols", message: "must not repeat a protocol" });
  return [...list];
}

// the checked fields once no rule is broken (each field is then defined)
function valid<T>(issues: readonly InputIssue[], fields: { [K in keyof T]: T[K] | undefined }): T {
  if (issues.length > 0) throw invalidArgument(issues);
  return fields as T;
}
