/** @module One signaling WebSocket: opened as a promise, its messages decoded, its end told once with its reason. */
import { abortError, KvsError } from "../errors/kvs-error.ts";
import { decodeSignalingMessage, type SignalingMessage } from "./signaling-messages.ts";

/** The part of a WebSocket the session uses; the runtime's own, or e.g. the `ws` package's on Node 20. */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "message" | "close" | "error", listener: (event: never) => void): void;
}

/** A WebSocket class: `new WebSocket(url)`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Why a signaling connection ended: KVS asked us to move (`go-away`, `reconnect-ice-server`) or it closed. */
export type ConnectionEnd =
  | { readonly reason: "go-away" | "reconnect-ice-server" }
  | { readonly reason: "closed"; readonly code: number };

export interface SignalingConnection {
  readonly openedAtMs: number;
  /** Set once, when it ends; the connection is closed by then. */
  readonly end: ConnectionEnd | undefined;
  send(text: string): void;
  close(): void;
}

const OPEN_TIMEOUT_MS = 10_000;
const decoder = new TextDecoder();

function textOf(data: unknown): string | undefined {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decoder.decode(data);
  return undefined;
}

/**
 * Opens `url` and resolves once it is open. Messages go to `onMessage` (a `GO_AWAY` or `RECONNECT_ICE_SERVER`
 * also ends the connection); `onEnd` is called once, whoever ends it, except by `close()`.
 */
export function openSignalingConnection(
  WebSocketClass: WebSocketConstructor,
  url: string,
  handlers: {
    readonly now: () => number;
    readonly signal: AbortSignal;
    readonly onMessage: (message: SignalingMessage) => void;
    readonly onEnd: () => void;
  },
): Promise<SignalingConnection> {
  // the URL is presigned: only its host may appear in an error
  const host = new URL(url).host;
  return new Promise((resolve, reject) => {
    const { signal } = handlers;
    if (signal.aborted) return reject(abortError(signal.reason));
    let socket: WebSocketLike;
    try {
      socket = new WebSocketClass(url);
    } catch {
      // WebSocket constructors quote the URL they refuse, and this one is presigned: no cause is kept
      return reject(
        new KvsError("NetworkError", { message: `The signaling connection to ${host} could not be made` }),
      );
    }
    let opened = false;
    let openedAtMs = 0;
    let closedByUs = false;
    let end: ConnectionEnd | undefined;
    const finish = (ending: ConnectionEnd) => {
      if (end !== undefined) return;
      end = ending;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (ending.reason !== "closed" || closedByUs)
        socket.close(1000, closedByUs ? "Session closed" : "Reconnecting");
      if (opened && !closedByUs) handlers.onEnd();
    };
    const failOpen = (error: KvsError) => {
      closedByUs = true;
      finish({ reason: "closed", code: 1006 });
      reject(error);
    };
    const connection: SignalingConnection = {
      get openedAtMs() {
        return openedAtMs;
      },
      get end() {
        return end;
      },
      send: (text) => socket.send(text),
      close: () => {
        closedByUs = true;
        finish({ reason: "closed", code: 1000 });
      },
    };
    const onAbort = () => (opened ? connection.close() : failOpen(abortError(signal.reason)));
    const timer = setTimeout(
      () =>
        failOpen(
          new KvsError("TimeoutError", {
            message: `The signaling connection to ${host} did not open in time`,
          }),
        ),
      OPEN_TIMEOUT_MS,
    );
    signal.addEventListener("abort", onAbort, { once: true });
    socket.addEventListener("open", () => {
      if (end !== undefined) return;
      opened = true;
      openedAtMs = handlers.now();
      clearTimeout(timer);
      resolve(connection);
    });
    socket.addEventListener("message", (event: { data: unknown }) => {
      const text = textOf(event.data);
      if (text === undefined || end !== undefined) return;
      const message = decodeSignalingMessage(text);
      if (message.kind === "go-away" || message.kind === "reconnect-ice-server")
        finish({ reason: message.kind });
      else handlers.onMessage(message);
    });
    // the close that follows tells what happened; without a listener the ws package would throw it
    socket.addEventListener("error", () => {});
    socket.addEventListener("close", (event: { code?: unknown }) => {
      const code = typeof event.code === "number" ? event.code : 1006;
      // a refused handshake (e.g. ConnectAs* throttled) looks the same as an unreachable host from here
      if (!opened)
        failOpen(
          new KvsError("NetworkError", {
            message: `The signaling connection to ${host} was refused or lost (${code})`,
          }),
        );
      else finish({ reason: "closed", code });
    });
  });
}
