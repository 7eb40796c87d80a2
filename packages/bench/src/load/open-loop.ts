/** @module Open-model load: requests leave at fixed times whatever the answers, so no coordinated omission. */
import { type LatencySummary, summarize } from "../stats.ts";
import type { LoadClient, LoadRequest } from "./load-client.ts";

/** One answered request: when it was scheduled to leave and when its answer ended (bench clock). */
export interface RequestTiming {
  scheduledAtMs: number;
  endedAtMs: number;
}

/** What one fixed-rate run saw. Latency runs from each request's *scheduled* time to its last byte. */
export interface OpenLoopResult {
  offeredRate: number;
  sent: number;
  ok: number;
  /** Non-2xx answers and network errors, by status (0 = network error). */
  failures: Record<string, number>;
  /** Requests still unanswered when the run gave up on them. */
  unanswered: number;
  latencyMs: LatencySummary;
  /** Every OK latency, ascending, for percentile charts. */
  sortedLatenciesMs: number[];
  /** When each OK request was scheduled and answered (bench clock), to set them against GC pauses. */
  timings: RequestTiming[];
  /** How late the generator itself sent (its own health: should stay near timer granularity). */
  sendLagP99Ms: number;
}

/** A run's shape: rate in requests per second, how long, and how long to wait for stragglers. */
export interface OpenLoopPlan {
  rate: number;
  durationMs: number;
  drainMs: number;
}

/**
 * Sends `rate × duration` requests on a fixed schedule, cycling through `requests` (starting at
 * `offset`). Unanswered requests count as infinitely slow, so they dominate every percentile they reach.
 *
 * @example
 * ```ts
 * const result = await openLoop(client, requests, { rate: 500, durationMs: 5000, drainMs: 2000 });
 * result.latencyMs.p99;
 * ```
 */
export async function openLoop(
  client: LoadClient,
  requests: readonly LoadRequest[],
  plan: OpenLoopPlan,
  offset = 0,
): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round((plan.rate * plan.durationMs) / 1000));
  const interval = 1000 / plan.rate;
  const start = performance.now() + 5;
  const latencies: number[] = [];
  const timings: RequestTiming[] = [];
  const lags: number[] = [];
  const failures: Record<string, number> = {};
  const pending = new Set<Promise<void>>();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (; next < total && start + next * interval <= now; next++) {
        const scheduledAt = start + next * interval;
        const prepared = requests[(offset + next) % requests.length];
        if (prepared === undefined) throw new Error("no requests to send");
        lags.push(now - scheduledAt);
        const done = client.send(prepared).then(({ status, endedAt }) => {
          if (status >= 200 && status < 300) {
            latencies.push(endedAt - scheduledAt);
            timings.push({ scheduledAtMs: scheduledAt, endedAtMs: endedAt });
          } else failures[status] = (failures[status] ?? 0) + 1;
          pending.delete(done);
        });
        pending.add(done);
      }
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  const drained = Promise.all(pending).then(() => true);
  const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), plan.drainMs).unref());
  await Promise.race([drained, timedOut]);
  const unanswered = pending.size;
  // Copies: answers that arrive after the drain must not change a result already returned.
  const sorted = [...latencies].sort((a, b) => a - b);
  const summaryInput = unanswered === 0 ? sorted : [...sorted, ...Array<number>(unanswered).fill(Infinity)];
  return {
    offeredRate: plan.rate,
    sent: total,
    ok: sorted.length,
    failures: { ...failures },
    unanswered,
    latencyMs: summarize(summaryInput),
    sortedLatenciesMs: sorted,
    timings: [...timings],
    sendLagP99Ms: summarize(lags).p99,
  };
}
