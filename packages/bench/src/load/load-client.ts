/** @module A keep-alive HTTP client for one loopback origin that times each request from a given start. */
import { Agent, request } from "node:http";
import { onCleanup } from "../runtime/cleanup.ts";

/** One prepared request; load runs cycle through a list of them. */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** How one request ended: its status (0 for a network error) and when, in `performance.now()` ms. */
export interface LoadResponse {
  status: number;
  endedAt: number;
}

/** Sends POSTs to one origin over pooled keep-alive connections. */
export interface LoadClient {
  send(prepared: LoadRequest): Promise<LoadResponse>;
  /** Destroys every connection; requests still in flight end with status 0. */
  close(): Promise<void>;
}

/**
 * Creates a client for `origin` (http on 127.0.0.1 only: every benchmark byte stays on loopback).
 * Requests beyond `maxSockets` in flight wait in the agent's queue, and that wait counts as latency.
 *
 * @example
 * ```ts
 * const client = createLoadClient("http://127.0.0.1:8787");
 * const { status } = await client.send({ path: "/healthz", headers: {}, body: "" });
 * ```
 */
export function createLoadClient(origin: string, maxSockets = 256): LoadClient {
  const url = new URL(origin);
  if (url.protocol !== "http:" || url.hostname !== "127.0.0.1")
    throw new Error(`not a loopback origin: ${origin}`);
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const close = onCleanup(() => agent.destroy());
  const port = Number(url.port);
  return {
    send: (prepared) =>
      new Promise((resolve) => {
        const headers = { ...prepared.headers, "content-length": String(Buffer.byteLength(prepared.body)) };
        const outgoing = request(
          { agent, host: url.hostname, port, method: "POST", path: prepared.path, headers },
          (response) => {
            response.resume();
            response.once("end", () =>
              resolve({ status: response.statusCode ?? 0, endedAt: performance.now() }),
            );
            response.once("error", () => resolve({ status: 0, endedAt: performance.now() }));
          },
        );
        outgoing.once("error", () => resolve({ status: 0, endedAt: performance.now() }));
        outgoing.end(prepared.body);
      }),
    close,
  };
}
