/** @module KVS signaling messages: what the storage session sends over the WebSocket, and what a participant sends back. */
import { isObject, parseJsonObject } from "../utils/json.ts";

/** An SDP offer or answer, as `RTCPeerConnection` takes and gives it. */
export interface SessionDescription {
  readonly type: "offer" | "answer";
  readonly sdp: string;
}

/** An ICE candidate, as `RTCIceCandidate.toJSON()` gives it. */
export interface IceCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}

/** KVS's answer to a message sent with a `correlationId` that it could not deliver or accept. */
export interface StatusResponse {
  readonly correlationId: string | undefined;
  readonly errorType: string | undefined;
  readonly statusCode: string | undefined;
  readonly description: string | undefined;
}

export type SignalingMessage =
  | { readonly kind: "offer"; readonly offer: SessionDescription }
  | { readonly kind: "ice-candidate"; readonly candidate: IceCandidate }
  | { readonly kind: "status-response"; readonly status: StatusResponse }
  | { readonly kind: "go-away" }
  | { readonly kind: "reconnect-ice-server" }
  | { readonly kind: "ignored" };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// KVS payloads are base64 of UTF-8 JSON; btoa/atob alone would mangle anything outside Latin-1
function toBase64(text: string): string {
  let binary = "";
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(base64: string): string | undefined {
  try {
    return decoder.decode(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

const optionalString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

function payloadOf(message: Record<string, unknown>): Record<string, unknown> | undefined {
  const payload = message.messagePayload;
  if (typeof payload !== "string") return undefined;
  const json = fromBase64(payload);
  return json === undefined ? undefined : parseJsonObject(json);
}

/** Reads one WebSocket message; anything malformed or unknown is `ignored`, as the KVS SDKs ignore it. */
export function decodeSignalingMessage(data: string): SignalingMessage {
  const message = parseJsonObject(data);
  // the storage session sends without a client id: a message that has one is some viewer's, never the session's
  if (message?.senderClientId !== undefined && message.senderClientId !== "") return { kind: "ignored" };
  switch (message?.messageType) {
    case "SDP_OFFER": {
      const payload = payloadOf(message);
      if (payload?.type !== "offer" || typeof payload.sdp !== "string") return { kind: "ignored" };
      return { kind: "offer", offer: { type: "offer", sdp: payload.sdp } };
    }
    case "ICE_CANDIDATE": {
      const payload = payloadOf(message);
      if (typeof payload?.candidate !== "string") return { kind: "ignored" };
      const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = payload;
      return {
        kind: "ice-candidate",
        candidate: {
          candidate,
          sdpMid: optionalString(sdpMid) ?? null,
          sdpMLineIndex: typeof sdpMLineIndex === "number" ? sdpMLineIndex : null,
          ...(typeof usernameFragment === "string" ? { usernameFragment } : {}),
        },
      };
    }
    case "STATUS_RESPONSE": {
      const status = isObject(message.statusResponse) ? message.statusResponse : {};
      return {
        kind: "status-response",
        status: {
          correlationId: optionalString(status.correlationId),
          errorType: optionalString(status.errorType),
          statusCode: optionalString(status.statusCode),
          description: optionalString(status.description),
        },
      };
    }
    case "GO_AWAY":
      return { kind: "go-away" };
    case "RECONNECT_ICE_SERVER":
      return { kind: "reconnect-ice-server" };
    default:
      return { kind: "ignored" };
  }
}

/** Options of a message sent to the storage session. */
export interface SendOptions {
  /** Echoed in a `statusresponse` event if KVS cannot deliver or accept the message. */
  readonly correlationId?: string;
}

/** The WebSocket text of an `SDP_ANSWER` or `ICE_CANDIDATE` for the storage session (it has no client id). */
export function encodeSignalingMessage(
  action: "SDP_ANSWER" | "ICE_CANDIDATE",
  payload: SessionDescription | IceCandidate,
  options: SendOptions = {},
): string {
  return JSON.stringify({
    action,
    messagePayload: toBase64(JSON.stringify(payload)),
    ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
  });
}
