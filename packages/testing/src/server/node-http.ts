import type { IncomingMessage, ServerResponse } from "node:http";
import type { Emulator } from "../emulator/create-emulator.ts";
import { isEmulatorNetworkError } from "../emulator/network-error.ts";

/**
 * Converts a Node request to a fetch `Request`, keeping the client's Host (it is signed) and raw headers.
 *
 * @example
 * const request = await toWebRequest(req, "http", controller.signal);
 */
export async function toWebRequest(
  req: IncomingMessage,
  scheme: "http" | "https",
  signal?: AbortSignal,
): Promise<Request> {
  // the endpoints the emulator returns follow the request's scheme, which the server knows (not every runtime's socket says)
  const url = new URL(req.url ?? "/", `${scheme}://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] ?? "", req.rawHeaders[i + 1] ?? "");
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const chunks: Uint8Array[] = [];
  if (hasBody) for await (const chunk of req) chunks.push(chunk);
  const body = hasBody ? new Uint8Array(Buffer.concat(chunks)) : undefined;
  return new Request(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(signal ? { signal } : {}),
  });
}

async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * Serves one Node request through the emulator's fetch handler. A network-error answer (an injected
 * reset, or a hang released by reset/close) destroys the socket, as a dropped connection would.
 *
 * @example
 * createServer((req, res) => void serveRequest(emulator, req, res));
 */
export async function serveRequest(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  scheme: "http" | "https" = "http",
): Promise<void> {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  try {
    await writeWebResponse(res, await emulator.fetch(await toWebRequest(req, scheme, controller.signal)));
  } catch (error) {
    if (isEmulatorNetworkError(error) || res.headersSent) {
      req.socket.destroy();
      return;
    }
    res.statusCode = 400;
    res.end(String(error instanceof Error ? error.message : error));
  }
}
