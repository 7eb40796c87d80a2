import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Socket } from "node:net";
import { WebSocketServer } from "ws";
import { createEmulator, type Emulator, type EmulatorOptions } from "../emulator/create-emulator.ts";
import { serveRequest } from "./node-http.ts";
import { serveUpgrade } from "./node-websocket.ts";

/**
 * Where the server listens, plus everything {@link createEmulator} takes.
 *
 * @example
 * await startEmulator({ port: 8790, host: "0.0.0.0", endpointOrigin: "http://emulator:8790" });
 */
export interface StartEmulatorOptions extends EmulatorOptions {
  /** TCP port; `0` (the default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string;
  /** Serve `https://` and `wss://` with this certificate and key (see `localTls`); plain HTTP without. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/**
 * A listening emulator and its test controls.
 *
 * @example
 * kvs.inject({ kind: "reset", route: "/joinStorageSession", times: 1 });
 */
export interface RunningEmulator {
  /** `http://host:port`, the control-plane endpoint to give a client. */
  readonly url: string;
  readonly port: number;
  readonly emulator: Emulator;
  readonly calls: Emulator["calls"];
  readonly waitForCalls: Emulator["waitForCalls"];
  readonly clearCalls: Emulator["clearCalls"];
  readonly inject: Emulator["inject"];
  readonly clearFaults: Emulator["clearFaults"];
  readonly reset: Emulator["reset"];
  /** Closes every socket (hung requests and WebSockets included), then the server; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the emulator as an HTTP + WebSocket server (`node:http` and `ws`; also runs on Deno and Bun).
 *
 * @example
 * const kvs = await startEmulator({ port: 0 });
 * try {
 *   const client = createClient({ credentials: DEMO_CREDENTIALS.operator, endpoint: kvs.url });
 * } finally {
 *   await kvs.close();
 * }
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = 0, host = "127.0.0.1", tls, ...emulatorOptions } = options;
  const emulator = createEmulator(emulatorOptions);
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<Socket>();
  const scheme = tls === undefined ? "http" : "https";
  const server =
    tls === undefined
      ? createServer((req, res) => void serveRequest(emulator, req, res, scheme))
      : createTlsServer(
          { cert: tls.cert, key: tls.key },
          (req, res) => void serveRequest(emulator, req, res, scheme),
        );
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req, socket, head) => void serveUpgrade(emulator, wss, req, socket, head, scheme));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`port ${port} on ${host} is already in use`) : error),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      emulator.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return {
    url: `${scheme}://${urlHost}:${boundPort}`,
    port: boundPort,
    emulator,
    calls: () => emulator.calls(),
    waitForCalls: (count) => emulator.waitForCalls(count),
    clearCalls: () => emulator.clearCalls(),
    inject: (fault) => emulator.inject(fault),
    clearFaults: () => emulator.clearFaults(),
    reset: () => emulator.reset(),
    close,
  };
}
