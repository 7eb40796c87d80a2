/**
 * @module Holding an admitted join until its reserved slot, bounded per isolate, giving the slot back, and sending
 * no join in a second of AWS's that already holds its quota of this isolate's joins.
 */
import { BoundedCache } from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";
import { type Failure, fail, ok, type Result } from "../errors/errors.ts";
import type { Admission } from "./limits.ts";
import { firstFit } from "./windows.ts";

// when this isolate sent (or will send) joins lately, per configuration and window: an isolate too busy to send
// a join at its slot sends it late, next to joins sent on time, and AWS counts them by when they arrive
const sendTimesByConfig = new WeakMap<Config, BoundedCache<string, number[]>>();

// joins this isolate holds now; waiting costs wall time, not CPU, but each holds a request and its memory
let heldInIsolate = 0;

/**
 * Waits until the admission's slot. A device that leaves meanwhile (its request's signal aborts) gives the slot
 * back; an isolate already holding `MAX_HELD_REQUESTS` gives it back too, and the device is told to come back.
 * A join sent late (by an isolate too busy to send it at its slot) waits until it fits beside the joins this
 * isolate sent since, so AWS never counts more than a quota of them in one second.
 *
 * @example
 * const waited = await waitForSlot(admission, c.req.raw.signal, config);
 * if (!waited.ok) return reject(c, waited.error);
 */
export async function waitForSlot(
  admission: Admission,
  signal: AbortSignal,
  config: Config,
): Promise<Result<void, Failure>> {
  const { waitMs, verdict, release, sendWindows } = admission;
  if (waitMs > 0) {
    if (heldInIsolate >= config.MAX_HELD_REQUESTS) {
      await release();
      return fail({ kind: "rate-limited", verdict: { ...verdict, allowed: false, retryAfterMs: waitMs } });
    }
    heldInIsolate++;
    try {
      await scheduler.wait(waitMs, { signal });
    } catch {
      await release();
      return fail({ kind: "client-closed" });
    } finally {
      heldInIsolate--;
    }
  }
  // a join sent late waits until it fits beside those this isolate sent since; decided and recorded at once
  let sendTimes = sendTimesByConfig.get(config);
  if (sendTimes === undefined) {
    sendTimes = new BoundedCache(4096);
    sendTimesByConfig.set(config, sendTimes);
  }
  const nowMs = Date.now();
  const windows = sendWindows.map(({ key, policy }) => ({
    policy,
    times: (sendTimes.get(key) ?? []).filter((time) => time > nowMs - policy.windowMs),
    key,
  }));
  let sendAt = nowMs;
  for (let settled = false; !settled; ) {
    const from = sendAt;
    for (const { times, policy } of windows) sendAt = firstFit(times, policy, sendAt);
    settled = sendAt === from;
  }
  for (const { key, times } of windows)
    sendTimes.set(
      key,
      [...times, sendAt].sort((a, b) => a - b),
    );
  if (sendAt > nowMs) await scheduler.wait(sendAt - nowMs);
  return ok(undefined);
}
