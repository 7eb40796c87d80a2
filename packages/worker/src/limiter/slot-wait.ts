/** @module Holding an admitted join until its reserved slot, bounded per isolate, and giving the slot back. */
import type { Config } from "../config/config.ts";
import { type Failure, fail, ok, type Result } from "../errors/errors.ts";
import type { Admission } from "./limits.ts";

// joins this isolate holds now; waiting costs wall time, not CPU, but each holds a request and its memory
let heldInIsolate = 0;

/**
 * Waits until the admission's slot. A device that leaves meanwhile (its request's signal aborts) gives the slot
 * back; an isolate already holding `MAX_HELD_REQUESTS` gives it back too, and the device is told to come back.
 *
 * @example
 * const waited = await waitForSlot(admission, c.req.raw.signal, config, (work) => c.executionCtx.waitUntil(work));
 * if (!waited.ok) return reject(c, waited.error);
 */
export async function waitForSlot(
  admission: Admission,
  signal: AbortSignal,
  config: Config,
  waitUntil: (work: Promise<unknown>) => void,
): Promise<Result<void, Failure>> {
  const { waitMs, verdict, release } = admission;
  if (waitMs <= 0) return ok(undefined);
  if (heldInIsolate >= config.MAX_HELD_REQUESTS) {
    await release();
    return fail({ kind: "rate-limited", verdict: { ...verdict, allowed: false, retryAfterMs: waitMs } });
  }
  // a request whose client left may be cancelled before its `finally` runs: the count and the slot are given back
  // at the abort itself, the slot as work the runtime keeps alive
  if (signal.aborted) {
    waitUntil(release());
    return fail({ kind: "client-closed" });
  }
  heldInIsolate++;
  let holding = true;
  const letGo = () => {
    if (holding) heldInIsolate--;
    holding = false;
  };
  const leave = () => {
    letGo();
    waitUntil(release());
  };
  signal.addEventListener("abort", leave, { once: true });
  try {
    await scheduler.wait(waitMs, { signal });
    return ok(undefined);
  } catch {
    return fail({ kind: "client-closed" });
  } finally {
    signal.removeEventListener("abort", leave);
    letGo();
  }
}
