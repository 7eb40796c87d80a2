import { describe, it } from "vitest";
import type { SigningResult } from "../signing/measure-signing.ts";
import { bundleRows } from "./rows-bundle.ts";
import { limiterRows } from "./rows-limiter.ts";
import { signingRows } from "./rows-signing.ts";

const signer = (medianUs: number) => ({ medianUs, roundMediansUs: [medianUs], opsPerBatch: 100 });
const signing = (runtime: string, coreRatio: number, requestRatio: number): SigningResult => ({
  runtime,
  smithySha256: "webcrypto",
  signers: {
    core: signer(40),
    aws4fetch: signer(100),
    coreRequest: signer(85),
    aws4fetchClient: signer(110),
    smithy: signer(120),
  },
  ratioToAnchor: {
    core: coreRatio,
    aws4fetch: 1,
    coreRequest: requestRatio,
    aws4fetchClient: 1,
    smithy: 1.2,
  },
});

describe("signingRows", () => {
  const rows = signingRows({
    ok: true,
    value: [
      { ok: true, result: signing("node", 0.4, 0.5) },
      { ok: true, result: signing("workerd", 0.51, 0.85) },
      { ok: false, runtime: "deno", error: "exit 1" },
    ],
  });

  it("judges both core rows' per-round ratios against the 0.5× goal, per runtime", ({ expect }) => {
    expect(rows.map((row) => [row.measurement, row.ratio, row.goal, row.met])).toEqual([
      ["signing · node · core signRequest (parts)", "0.40×", "≤ 0.5×", "yes"],
      ["signing · node · core signRequest(Request)", "0.50×", "≤ 0.5×", "yes"],
      ["signing · node · @smithy/signature-v4 (sha256: webcrypto)", "1.20×", "", ""],
      ["signing · workerd · core signRequest (parts)", "0.51×", "≤ 0.5×", "no"],
      ["signing · workerd · core signRequest(Request)", "0.85×", "≤ 0.5×", "no"],
      ["signing · workerd · @smithy/signature-v4 (sha256: webcrypto)", "1.20×", "", ""],
      ["signing · deno", "", "", ""],
    ]);
    expect(rows[6]?.value).toBe("not measured: exit 1");
  });

  it("anchors parts on AwsV4Signer and a Request on AwsClient.sign", ({ expect }) => {
    expect(rows.slice(0, 3).map((row) => [row.value, row.anchor])).toEqual([
      ["40.0 µs/op", "aws4fetch AwsV4Signer 100.0 µs/op"],
      ["85.0 µs/op", "aws4fetch AwsClient.sign(Request) 110.0 µs/op"],
      ["120.0 µs/op", "aws4fetch AwsV4Signer 100.0 µs/op"],
    ]);
  });
});

describe("bundleRows", () => {
  it("checks gzip sizes against 30 KiB (worker) and 10 KiB (core), the SDK worker as anchor", ({
    expect,
  }) => {
    const size = (kib: number) => ({ minifiedBytes: kib * 3 * 1024, gzipBytes: kib * 1024 });
    const rows = bundleRows({ ok: true, value: { worker: size(30), core: size(10.5), sdkWorker: size(40) } });
    expect(rows.map((row) => [row.value, row.ratio, row.met])).toEqual([
      ["90.0 KiB min · 30.0 KiB gz", "0.75×", "yes"],
      ["31.5 KiB min · 10.5 KiB gz", "0.26×", "no"],
      ["120.0 KiB min · 40.0 KiB gz", "", ""],
    ]);
    const atGoal = bundleRows({ ok: true, value: { worker: size(30), core: size(10), sdkWorker: size(40) } });
    expect([atGoal[1]?.goal, atGoal[1]?.met]).toEqual(["≤ 10.0 KiB gz", "yes"]);
  });

  it("reports a failed build as one row", ({ expect }) => {
    expect(bundleRows({ ok: false, error: "wrangler failed" })).toHaveLength(1);
  });
});

describe("limiterRows", () => {
  const result = {
    decisionsPerSecond: 2000,
    inFlight: 16,
    sequentialLatencyMs: { count: 10, p50: 1, p90: 1, p99: 2, max: 3 },
    sequentialMeanMs: 0.42,
    burstRequests: 200,
    burstQuota: 100,
  };

  it("passes the burst only when exactly the quota but the held join was admitted", ({ expect }) => {
    expect(limiterRows({ ok: true, value: { ...result, burstAdmitted: 99 } }).at(-1)?.met).toBe("yes");
    expect(limiterRows({ ok: true, value: { ...result, burstAdmitted: 100 } }).at(-1)?.met).toBe("no");
    expect(limiterRows({ ok: true, value: { ...result, burstAdmitted: 98 } }).at(-1)?.met).toBe("no");
  });

  it("shows throughput and latency with the mean's finer resolution", ({ expect }) => {
    const [throughput, latency] = limiterRows({ ok: true, value: { ...result, burstAdmitted: 99 } });
    expect(throughput?.value).toBe("2,000/s");
    expect(latency?.value).toBe("1 / 2 ms (mean 0.42 ms)");
  });
});
