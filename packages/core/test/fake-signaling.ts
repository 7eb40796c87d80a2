/**
 * @module A scripted KVS for the storage-session loop's unit tests: fake WebSockets the test opens, closes and
 * talks through, and a fake access whose joins are answered by a script, all on vitest's fake clock.
 */
import type { KvsError } from "../src/errors/kvs-error.ts";
import type { SessionAccess } from "../src/storage-session/session-access.ts";

type Listener = (event: never) => void;

/** A WebSocket the test drives: it opens on the next tick unless told to refuse. */
export class FakeWebSocket {
  static readonly opened: FakeWebSocket[] = [];
  static refuseNext = 0;
  readonly url: string;
  readonly sent: string[] = [];
  closedWith: number | undefined;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(url: string) {
    this.url = url;
    FakeWebSocket.opened.push(this);
    const refuse = FakeWebSocket.refuseNext > 0;
    if (refuse) FakeWebSocket.refuseNext--;
    queueMicrotask(() => (refuse ? this.serverClose(1006) : this.#fire("open", {})));
  }

  static reset(): void {
    FakeWebSocket.opened.length = 0;
    FakeWebSocket.refuseNext = 0;
  }

  static get latest(): FakeWebSocket {
    const socket = FakeWebSocket.opened.at(-1);
    if (socket === undefined) throw new Error("no socket was opened");
    return socket;
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    if (this.closedWith !== undefined) throw new Error("send on a closed socket");
    this.sent.push(data);
  }

  close(code = 1005): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = code;
    queueMicrotask(() => this.#fire("close", { code }));
  }

  /** The server sends `message` (JSON-encoded unless already a string). */
  receive(message: unknown): void {
    this.#fire("message", { data: typeof message === "string" ? message : JSON.stringify(message) });
  }

  serverClose(code: number): void {
    this.closedWith ??= code;
    this.#fire("close", { code });
  }

  #fire(type: string, event: object): void {
    for (const listener of this.#listeners.get(type) ?? []) (listener as (event: object) => void)(event);
  }
}

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/** The storage session's `SDP_OFFER`, as KVS sends it. */
export const offerMessage = (sdp = "v=0\r\n") => ({
  messageType: "SDP_OFFER",
  messagePayload: base64(JSON.stringify({ type: "offer", sdp })),
});

/** What a join does: the offer follows it, nothing follows it, or it fails. */
export type JoinOutcome = "offer" | "silence" | KvsError;

/** A fake access: connects hand out numbered URLs; each join is answered by the next outcome of the script. */
export function scriptedAccess(...script: JoinOutcome[]) {
  const joinsAtMs: number[] = [];
  const connectsAtMs: number[] = [];
  const access: SessionAccess = {
    async connect() {
      connectsAtMs.push(Date.now());
      return {
        signalingUrl: `wss://signaling.test/?n=${connectsAtMs.length}`,
        iceServers: [{ urls: ["stun:x"] }],
      };
    },
    async join() {
      joinsAtMs.push(Date.now());
      const outcome = script.shift() ?? "silence";
      if (outcome === "offer") FakeWebSocket.latest.receive(offerMessage(`v=0\r\ns=${joinsAtMs.length}\r\n`));
      else if (outcome !== "silence") throw outcome;
    },
  };
  return { access, joinsAtMs, connectsAtMs };
}
