/**
 * @module Runs inside workerd next to the proxy and drives its `RateLimiter` Durable Object over RPC,
 * exactly as the proxy does. `GET /?plan=<json>` answers a {@link LimiterMeasurement}.
 */

/** The RPC surface of the proxy's limiter that the benchmark uses: an account's join decision. */
interface LimiterStub {
  join(
    bucket: string,
    request: { tenant: string; weight: number; channel: string; channelQuota: number },
    policy: { quota: number; windowMs: number },
  ): Promise<{ allowed: boolean }>;
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

// AWS's account limit and the proxy's window: beyond the first 50 joins a window, the runs measure a flood the
// object refuses (what one tenant flooding an account costs it), the case that decides its throughput
const ACCOUNT_POLICY = { quota: 50, windowMs: 1050 };
let joins = 0;
// two tenants flooding 300 channels, as the fairness test does
const join = (stub: LimiterStub, bucket: string, policy = ACCOUNT_POLICY) => {
  joins++;
  const request = {
    tenant: `tenant-${joins % 2}`,
    weight: 1,
    channel: `channel-${joins % 300}`,
    channelQuota: 2,
  };
  return stub.join(bucket, request, policy);
};

async function measure(env: LimiterEnv, plan: LimiterPlan): Promise<LimiterMeasurement> {
  const stub = env.LIMITER.getByName(plan.objectName);
  for (let i = 0; i < 50; i++) await join(stub, "bench-warmup");
  const sequentialLatenciesMs: number[] = [];
  const sequentialStart = performance.now();
  for (let i = 0; i < plan.sequential; i++) {
    const start = performance.now();
    await join(stub, "bench-sequential");
    sequentialLatenciesMs.push(performance.now() - start);
  }
  const sequentialElapsedMs = performance.now() - sequentialStart;
  let issued = 0;
  const start = performance.now();
  const caller = async () => {
    while (issued < plan.concurrent) {
      issued++;
      await join(stub, "bench-concurrent");
    }
  };
  await Promise.all(Array.from({ length: plan.inFlight }, caller));
  const concurrentElapsedMs = performance.now() - start;
  // a fresh window longer than the burst, on more channels than the quota: the account decides every join
  const burstPolicy = { quota: plan.burstQuota, windowMs: 86_400_000 };
  const bucket = `bench-burst-${Date.now()}`;
  const decisions = await Promise.all(
    Array.from({ length: plan.burst }, () => join(stub, bucket, burstPolicy)),
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
