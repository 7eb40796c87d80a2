/** The signaling message the storage session sends after a successful join. */
export interface SdpOfferMessage {
  readonly messageType: "SDP_OFFER";
  readonly messagePayload: string;
}

const encoder = new TextEncoder();

function base64(text: string): string {
  return btoa(Array.from(encoder.encode(text), (byte) => String.fromCharCode(byte)).join(""));
}

function randomToken(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(
    crypto.getRandomValues(new Uint8Array(length)),
    (byte) => alphabet[byte % alphabet.length],
  ).join("");
}

function fingerprint(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) =>
    byte.toString(16).padStart(2, "0").toUpperCase(),
  ).join(":");
}

/**
 * An SDP offer shaped like the one KVS's storage session sends: sendrecv audio and video, bundled,
 * with a data channel. Values are random; nothing listens on the advertised candidates.
 *
 * @example
 * createSdpOffer().split("\r\n")[0]; // "v=0"
 */
export function createSdpOffer(): string {
  const sessionId = String(crypto.getRandomValues(new Uint32Array(1))[0] ?? 0);
  const ice = [`a=ice-ufrag:${randomToken(4)}`, `a=ice-pwd:${randomToken(24)}`, "a=ice-options:trickle"];
  const dtls = [`a=fingerprint:sha-256 ${fingerprint()}`, "a=setup:actpass"];
  return [
    "v=0",
    `o=- ${sessionId} 2 IN IP4 127.0.0.1`,
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0 1 2",
    "a=msid-semantic: WMS myKvsVideoStream",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "c=IN IP4 0.0.0.0",
    ...ice,
    ...dtls,
    "a=mid:0",
    "a=sendrecv",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "m=video 9 UDP/TLS/RTP/SAVPF 125",
    "c=IN IP4 0.0.0.0",
    ...ice,
    ...dtls,
    "a=mid:1",
    "a=sendrecv",
    "a=rtcp-mux",
    "a=rtpmap:125 H264/90000",
    "a=fmtp:125 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 0.0.0.0",
    ...ice,
    ...dtls,
    "a=mid:2",
    "a=sctp-port:5000",
    "",
  ].join("\r\n");
}

/**
 * The `SDP_OFFER` message as the storage session sends it: no `senderClientId`, payload base64 JSON.
 *
 * @example
 * const message: SdpOfferMessage = JSON.parse(sdpOfferMessage());
 * JSON.parse(atob(message.messagePayload)).type; // "offer"
 */
export function sdpOfferMessage(sdp: string = createSdpOffer()): string {
  const message: SdpOfferMessage = {
    messageType: "SDP_OFFER",
    messagePayload: base64(JSON.stringify({ type: "offer", sdp })),
  };
  return JSON.stringify(message);
}
