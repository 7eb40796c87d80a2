/** @module Closed-model saturation: a rough capacity estimate that seeds the open-model rate search. */
import type { LoadClient, LoadRequest } from "./load-client.ts";

/**
 * Keeps `concurrency` requests in flight for `durationMs` and returns answers per second, whatever their
 * status: with few channels the emulator throttles (and the proxy passes that on), but it still does
 * nearly all of a join's work, so the count estimates capacity without touching every channel.
 *
 * @example
 * ```ts
 * const capacity = await closedLoop(client, requests, { concurrency: 32, durationMs: 1000 });
 * ```
 */
export async function closedLoop(
  client: LoadClient,
  requests: readonly LoadRequest[],
  plan: { concurrency: number; durationMs: number },
): Promise<number> {
  const start = performance.now();
  const end = start + plan.durationMs;
  let sent = 0;
  let answered = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const prepared = requests[sent++ % requests.length];
      if (prepared === undefined) return;
      const { status } = await client.send(prepared);
      if (status !== 0) answered++;
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return (answered * 1000) / (performance.now() - start);
}
