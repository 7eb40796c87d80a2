import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeSignalingMessage, encodeSignalingMessage } from "./signaling-messages.ts";

const toBase64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const fromBase64 = (base64: string) => Buffer.from(base64, "base64").toString("utf8");

// what KVS relays for a message a participant sent: its action becomes the message type
const relayed = (sent: string) => {
  const { action, messagePayload } = JSON.parse(sent) as { action: string; messagePayload: string };
  return JSON.stringify({ messageType: action, messagePayload });
};

describe("signaling messages", () => {
  it("never throws on whatever arrives, and ignores what it does not know", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .base64String()
            .map((payload) => JSON.stringify({ messageType: "SDP_OFFER", messagePayload: payload })),
        ),
        (data) => {
          expect([
            "offer",
            "ice-candidate",
            "status-response",
            "go-away",
            "reconnect-ice-server",
            "ignored",
          ]).toContain(decodeSignalingMessage(data).kind);
        },
      ),
    );
    expect(decodeSignalingMessage('{"messageType":"SDP_OFFER","messagePayload":"%%%"}')).toEqual({
      kind: "ignored",
    });
    expect(decodeSignalingMessage('{"messageType":"PING"}')).toEqual({ kind: "ignored" });
  });

  it("carries any SDP and candidate through base64 UTF-8 unchanged", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }),
        fc.string({ unit: "binary" }),
        fc.nat(16),
        (sdp, line, index) => {
          const offer = { type: "offer", sdp };
          const sentByKvs = { messageType: "SDP_OFFER", messagePayload: toBase64(JSON.stringify(offer)) };
          expect(decodeSignalingMessage(JSON.stringify(sentByKvs))).toEqual({ kind: "offer", offer });
          const answer = JSON.parse(encodeSignalingMessage("SDP_ANSWER", { type: "answer", sdp })) as {
            messagePayload: string;
          };
          expect(JSON.parse(fromBase64(answer.messagePayload))).toEqual({ type: "answer", sdp });
          const candidate = { candidate: line, sdpMid: String(index), sdpMLineIndex: index };
          const relayedCandidate = decodeSignalingMessage(
            relayed(encodeSignalingMessage("ICE_CANDIDATE", candidate)),
          );
          expect(relayedCandidate).toEqual({ kind: "ice-candidate", candidate });
        },
      ),
    );
  });

  it("adds a correlationId only when asked", () => {
    const sent = (options?: { correlationId: string }) =>
      JSON.parse(encodeSignalingMessage("SDP_ANSWER", { type: "answer", sdp: "v=0" }, options)) as object;
    expect(Object.keys(sent())).toEqual(["action", "messagePayload"]);
    expect(sent({ correlationId: "c-9" })).toHaveProperty("correlationId", "c-9");
  });
});
