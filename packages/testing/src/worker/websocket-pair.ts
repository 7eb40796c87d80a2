import type { Emulator } from "../emulator/create-emulator.ts";

/** The part of workerd's server-side WebSocket the emulator uses. */
interface WorkerWebSocket {
  accept(): void;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message" | "close" | "error", listener: () => void): void;
}

type WebSocketPairConstructor = new () => { 0: WorkerWebSocket; 1: WorkerWebSocket };

// Looked up at run time and typed locally: the package type-checks against the DOM lib, which lacks it.
function webSocketPair(): WebSocketPairConstructor | undefined {
  const pair: unknown = Reflect.get(globalThis, "WebSocketPair");
  return typeof pair === "function" ? (pair as WebSocketPairConstructor) : undefined;
}

/** Answers a signaling WebSocket upgrade in workerd: the emulator decides, a `WebSocketPair` carries it. */
async function upgradeWithPair(emulator: Emulator, request: Request): Promise<Response> {
  const decision = await emulator.connectSignaling(request);
  if (!decision.ok) return decision.response;
  const Pair = webSocketPair();
  if (!Pair) return new Response("WebSocketPair is not available in this runtime", { status: 501 });
  const { 0: client, 1: server } = new Pair();
  server.accept();
  const connection = decision.accept({
    send: (data) => server.send(data),
    close: (code, reason) => server.close(code, reason),
  });
  server.addEventListener("message", () => connection.received());
  server.addEventListener("close", () => connection.closed());
  server.addEventListener("error", () => connection.closed());
  return new Response(null, { status: 101, webSocket: client } as ResponseInit);
}

/**
 * Serves one request in workerd: a WebSocket upgrade through a `WebSocketPair`, anything else through the
 * emulator's fetch handler.
 *
 * @example
 * export default { fetch: (request: Request) => serveInWorkerd(emulator, request) };
 */
export function serveInWorkerd(emulator: Emulator, request: Request): Promise<Response> {
  const upgrade = request.headers.get("upgrade")?.toLowerCase() === "websocket";
  return upgrade ? upgradeWithPair(emulator, request) : emulator.fetch(request);
}
