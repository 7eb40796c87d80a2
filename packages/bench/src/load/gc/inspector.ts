/** @module A minimal Chrome DevTools Protocol client for one workerd inspector target (one Worker's isolate). */
import { onCleanup } from "../../runtime/cleanup.ts";

/** An open inspector session. */
export interface InspectorSession {
  /** Sends one command and resolves with its result; rejects on a protocol error or after `timeoutMs`. */
  send<T>(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * Connects to `url` (for workerd, `ws://127.0.0.1:<port>/core:user:<worker>`).
 *
 * @example
 * ```ts
 * const session = await connectInspector(`${await miniflare.getInspectorURL()}core:user:proxy`);
 * const { usedSize } = await session.send<{ usedSize: number }>("Runtime.getHeapUsage");
 * ```
 */
export async function connectInspector(url: string): Promise<InspectorSession> {
  const socket = new WebSocket(url);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  socket.addEventListener("message", (message) => {
    const answer = JSON.parse(String(message.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    const waiter = answer.id === undefined ? undefined : pending.get(answer.id);
    if (waiter === undefined || answer.id === undefined) return; // an event, or an answer given up on
    pending.delete(answer.id);
    if (answer.error !== undefined) waiter.reject(new Error(`inspector: ${answer.error.message}`));
    else waiter.resolve(answer.result);
  });
  socket.addEventListener("close", () => {
    for (const waiter of pending.values()) waiter.reject(new Error("inspector: connection closed"));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error(`inspector: cannot connect to ${url}`)), {
      once: true,
    });
  });
  const close = onCleanup(() => socket.close());
  return {
    send: <T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000) =>
      new Promise<T>((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`inspector: no answer to ${method}`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close,
  };
}
