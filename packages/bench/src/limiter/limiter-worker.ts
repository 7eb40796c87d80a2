/**
 * @module Runs inside workerd next to the proxy and drives its `RateLimiter` Durable Object over RPC,
 * exactly as the proxy does. `GET /?plan=<json>` answers a {@link LimiterMeasurement}.
 */

/** The RPC surface of the proxy's limiter that the benchmark uses. */
interface LimiterStub {
  take(bucket: string, policy: { quota: number; windowSeconds: number }): Promise<{ allowed: boolean }>;
}

interface LimiterEnv {
  LIMITER: { getByName(name: string): LimiterStub };
}

/** How much to measure. */
export interface LimiterPlan {
  objectName: string;
  sequential: number;
  concurrent: number;
  inFlight: number;
  burst: number;
  burstQuota: number;
}

/** Raw figures; workerd's clock ticks in whole milliseconds, so latencies are whole ms. */
export interface LimiterMeasurement {
  sequentialLatenciesMs: number[];
  /** The whole sequential run: its mean per decision resolves below a millisecond. */
  sequentialElapsedMs: number;
  concurrentDecisions: number;
  concurrentElapsedMs: number;
  burstAdmitted: number;
  burstRequests: number;
}

// Generous enough that the throughput runs never refuse, so every decision also writes its bucket.
const OPEN_POLICY = { quota: 1000, windowSeconds: 1 };

async function measure(env: LimiterEnv, plan: LimiterPlan): Promise<LimiterMeasurement> {
  const stub = env.LIMITER.getByName(plan.objectName);
  for (let i = 0; i < 50; i++) await stub.take("bench-warmup", OPEN_POLICY);
  const sequentialLatenciesMs: number[] = [];
  const sequentialStart = performance.now();
  for (let i = 0; i < plan.sequential; i++) {
    const start = performance.now();
    await stub.take("bench-sequential", OPEN_POLICY);
    sequentialLatenciesMs.push(performance.now() - start);
  }
  const sequentialElapsedMs = performance.now() - sequentialStart;
  let issued = 0;
  const start = performance.now();
  const caller = async () => {
    while (issued < plan.concurrent) {
      issued++;
      await stub.take(`bench-concurrent-${issued % 8}`, OPEN_POLICY);
    }
  };
  await Promise.all(Array.from({ length: plan.inFlight }, caller));
  const concurrentElapsedMs = performance.now() - start;
  // A fresh bucket whose refill during the burst rounds to zero tokens: admitted must equal the quota.
  const burstPolicy = { quota: plan.burstQuota, windowSeconds: 86_400 };
  const bucket = `bench-burst-${Date.now()}`;
  const decisions = await Promise.all(
    Array.from({ length: plan.burst }, () => stub.take(bucket, burstPolicy)),
  );
  return {
    sequentialLatenciesMs,
    sequentialElapsedMs,
    concurrentDecisions: plan.concurrent,
    concurrentElapsedMs,
    burstAdmitted: decisions.filter((decision) => decision.allowed).length,
    burstRequests: plan.burst,
  };
}

export default {
  async fetch(request: Request, env: LimiterEnv): Promise<Response> {
    const plan = JSON.parse(new URL(request.url).searchParams.get("plan") ?? "{}") as LimiterPlan;
    return Response.json(await measure(env, plan));
  },
};
