/** @module Section 4: the proxy's limiter Durable Object, driven over RPC from a Worker beside it. */
import { DEMO_CHANNELS } from "@kvs-webrtc-storage/testing/fixtures";
import { bundle } from "../build/esbuild-bundle.ts";
import { benchFile } from "../runtime/paths.ts";
import { startWorkerd } from "../runtime/workerd.ts";
import { type LatencySummary, summarize } from "../stats.ts";
import type { LimiterMeasurement, LimiterPlan } from "./limiter-worker.ts";

/** Section 4's figures. */
export interface LimiterResult {
  decisionsPerSecond: number;
  inFlight: number;
  /** Whole milliseconds: workerd's clock does not resolve finer. */
  sequentialLatencyMs: LatencySummary;
  sequentialMeanMs: number;
  burstRequests: number;
  burstQuota: number;
  burstAdmitted: number;
}

/** The object deciding the demo channels' joins: their AWS account's, in their region. */
const OBJECT_NAME = `account:${DEMO_CHANNELS.demoCamera.region}:${DEMO_CHANNELS.demoCamera.account}`;

/**
 * Starts workerd with the proxy bundle (which defines `RateLimiter`, SQLite storage on disk) and the
 * limiter Worker bound to that class, and measures one AWS account's object deciding joins.
 *
 * @example
 * ```ts
 * const result = await runLimiter(proxyCode, { sequential: 2000, concurrent: 5000, inFlight: 16 });
 * ```
 */
export async function runLimiter(
  proxyCode: string,
  plan: Pick<LimiterPlan, "sequential" | "concurrent" | "inFlight">,
): Promise<LimiterResult> {
  const limiterCode = await bundle(benchFile("limiter/limiter-worker.ts"), {
    target: "workerd",
    minify: true,
  });
  const limiter = { className: "RateLimiter", useSQLite: true };
  const workerd = await startWorkerd([
    {
      name: "limiter-bench",
      code: limiterCode,
      options: { durableObjects: { LIMITER: { ...limiter, scriptName: "proxy" } } },
    },
    {
      name: "proxy",
      code: proxyCode,
      options: { kvNamespaces: ["TENANTS"], durableObjects: { LIMITER: limiter } },
    },
  ]);
  try {
    const full: LimiterPlan = { ...plan, objectName: OBJECT_NAME, burst: 200, burstQuota: 100 };
    const response = await fetch(`${workerd.url}/?plan=${encodeURIComponent(JSON.stringify(full))}`);
    if (!response.ok) throw new Error(`limiter bench answered ${response.status}: ${await response.text()}`);
    const measured = (await response.json()) as LimiterMeasurement;
    return {
      decisionsPerSecond: (measured.concurrentDecisions * 1000) / Math.max(1, measured.concurrentElapsedMs),
      inFlight: plan.inFlight,
      sequentialLatencyMs: summarize(measured.sequentialLatenciesMs),
      sequentialMeanMs: measured.sequentialElapsedMs / Math.max(1, measured.sequentialLatenciesMs.length),
      burstRequests: measured.burstRequests,
      burstQuota: full.burstQuota,
      burstAdmitted: measured.burstAdmitted,
    };
  } finally {
    await workerd.stop();
  }
}
