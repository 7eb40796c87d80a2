import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import type { Emulator } from "../emulator/create-emulator.ts";
import { toWebRequest } from "./node-http.ts";

async function refuse(socket: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`];
  for (const [name, value] of response.headers) head.push(`${name}: ${value}`);
  head.push(`content-length: ${body.length}`, "connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(head.join("\r\n")), body]));
}

/**
 * Handles an HTTP upgrade on the signaling endpoint: the emulator decides, then `ws` completes the
 * handshake and the socket is registered; a refusal is a plain HTTP response and no socket.
 *
 * @example
 * server.on("upgrade", (req, socket, head) => void serveUpgrade(emulator, wss, req, socket, head));
 */
export async function serveUpgrade(
  emulator: Emulator,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  scheme: "http" | "https" = "http",
): Promise<void> {
  socket.on("error", () => socket.destroy());
  if (req.headers.upgrade?.toLowerCase() !== "websocket") {
    socket.destroy();
    return;
  }
  const upgrade = await emulator.connectSignaling(await toWebRequest(req, scheme));
  if (!upgrade.ok) {
    await refuse(socket, upgrade.response);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const connection = upgrade.accept({
      send: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
    });
    ws.on("message", () => connection.received());
    ws.on("close", () => connection.closed());
  });
}
