import { describe, expect, it } from "vitest";
import {
  awsError,
  CHANNEL_ARN,
  CREDENTIALS,
  hang,
  joined,
  manualRuntime,
  scriptedFetch,
} from "../../test/scripted-aws.ts";
import { isKvsError } from "../errors/kvs-error.ts";
import { createClientWithRuntime } from "./create-client.ts";

const ENDPOINT = "https://w-1.kinesisvideo.us-west-2.amazonaws.com";
const networkFailure = (code?: string) => () => {
  throw new TypeError("fetch failed", code ? { cause: Object.assign(new Error(code), { code }) } : undefined);
};

function client(fetch: typeof globalThis.fetch, extra: { maxAttempts?: number; timeoutMs?: number } = {}) {
  const manual = manualRuntime();
  const logs: unknown[] = [];
  const logger = {
    debug: (...args: unknown[]) => logs.push(args),
    warn: (...args: unknown[]) => logs.push(args),
  };
  const kvs = createClientWithRuntime(
    { credentials: CREDENTIALS, fetch, endpoint: ENDPOINT, logger, ...extra },
    manual.runtime,
  );
  return { kvs, ...manual, logs };
}

describe("transport: retries", () => {
  it("retries answered throttling with backoff, honouring Retry-After", async () => {
    const aws = scriptedFetch(
      () => awsError(400, "ClientLimitExceededException", "Too many", { "retry-after": "2" }),
      () => joined("r-ok"),
    );
    const { kvs, sleeps } = client(aws.fetch);
    expect(await kvs.joinStorageSession({ channelArn: CHANNEL_ARN })).toEqual({ requestId: "r-ok" });
    expect(sleeps).toEqual([2000]);
  });

  it("gives up after maxAttempts and reports the last error", async () => {
    const throttled = () => awsError(400, "ClientLimitExceededException", "Too many");
    const aws = scriptedFetch(throttled, throttled, throttled);
    const { kvs, sleeps } = client(aws.fetch);
    const failure = await kvs.joinStorageSession({ channelArn: CHANNEL_ARN }).catch((e: unknown) => e);
    expect(isKvsError(failure, "ClientLimitExceededException") && failure.requestId).toBe(
      "req-ClientLimitExceededException",
    );
    expect(aws.calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("retries an answered 5xx join, but never a viewer-cap or client error", async () => {
    const aws = scriptedFetch(
      () => new Response("<html>502</html>", { status: 502 }),
      () => joined(),
    );
    await client(aws.fetch).kvs.joinStorageSession({ channelArn: CHANNEL_ARN });
    expect(aws.calls).toHaveLength(2);

    const capped = scriptedFetch(() =>
      awsError(
        400,
        "ClientLimitExceededException",
        "The maximum number of viewers connected to the session has been reached.",
      ),
    );
    const failure = await client(capped.fetch)
      .kvs.joinStorageSessionAsViewer({ channelArn: CHANNEL_ARN, clientId: "v4" })
      .catch((e: unknown) => e);
    expect(isKvsError(failure, "ViewerLimitExceeded")).toBe(true);
    expect(capped.calls).toHaveLength(1);
  });

  it("never repeats a join whose network failure may have reached AWS", async () => {
    const aws = scriptedFetch(networkFailure("ECONNRESET"));
    const failure = await client(aws.fetch)
      .kvs.joinStorageSession({ channelArn: CHANNEL_ARN })
      .catch((e: unknown) => e);
    expect(isKvsError(failure, "NetworkError") && failure.message).toBe(
      "Network error calling w-1.kinesisvideo.us-west-2.amazonaws.com (ECONNRESET)",
    );
    expect(aws.calls).toHaveLength(1);
  });

  it("repeats a join that provably never left (connection refused)", async () => {
    const aws = scriptedFetch(networkFailure("ECONNREFUSED"), () => joined());
    await client(aws.fetch).kvs.joinStorageSession({ channelArn: CHANNEL_ARN });
    expect(aws.calls).toHaveLength(2);
  });

  it("repeats idempotent discovery after any network failure", async () => {
    const aws = scriptedFetch(networkFailure(), () =>
      Response.json({
        ResourceEndpointList: [
          { Protocol: "WSS", ResourceEndpoint: "wss://m-1.kinesisvideo.us-west-2.amazonaws.com" },
        ],
      }),
    );
    const kvs = createClientWithRuntime(
      { credentials: CREDENTIALS, fetch: aws.fetch },
      manualRuntime().runtime,
    );
    const endpoints = await kvs.getSignalingChannelEndpoint({
      channelArn: CHANNEL_ARN,
      protocols: ["WSS"],
      role: "MASTER",
    });
    expect(endpoints.WSS).toBe("wss://m-1.kinesisvideo.us-west-2.amazonaws.com");
  });
});

describe("transport: time", () => {
  it("times out a hung attempt and does not repeat the join", async () => {
    const aws = scriptedFetch(hang);
    const failure = await client(aws.fetch, { timeoutMs: 5 })
      .kvs.joinStorageSession({ channelArn: CHANNEL_ARN })
      .catch((e: unknown) => e);
    expect(isKvsError(failure, "TimeoutError") && failure.message).toBe(
      "No answer from w-1.kinesisvideo.us-west-2.amazonaws.com within 5 ms",
    );
    expect(aws.calls).toHaveLength(1);
  });

  it("stops at once when the caller aborts", async () => {
    const aws = scriptedFetch(hang);
    const controller = new AbortController();
    const pending = client(aws.fetch).kvs.joinStorageSession(
      { channelArn: CHANNEL_ARN },
      { signal: controller.signal },
    );
    controller.abort(new Error("user navigated away"));
    const failure = await pending.catch((e: unknown) => e);
    expect(isKvsError(failure, "AbortError") && failure.retryable).toBe(false);
  });

  it("corrects a skewed clock from the Date header and re-signs once, even with maxAttempts 1", async () => {
    const serverNow = new Date(Date.parse("2026-11-22T10:00:00Z") + 60 * 60_000);
    const aws = scriptedFetch(
      () =>
        awsError(
          403,
          "InvalidSignatureException",
          "Signature expired: 20261122T100000Z is now earlier than 20261122T105500Z (20261122T110000Z - 5 min.)",
          { date: serverNow.toUTCString() },
        ),
      () => joined("r-after-skew"),
    );
    const { kvs, logs } = client(aws.fetch, { maxAttempts: 1 });
    expect(await kvs.joinStorageSession({ channelArn: CHANNEL_ARN })).toEqual({ requestId: "r-after-skew" });
    expect(aws.calls.map((c) => c.headers.get("x-amz-date"))).toEqual([
      "20261122T100000Z",
      "20261122T110000Z",
    ]);
    expect(logs).toEqual([["kvs.clock_skew_corrected", { offsetMs: 3_600_000 }]]);
  });

  it("re-signs only once when the skew error persists", async () => {
    const skew = () =>
      awsError(403, "InvalidSignatureException", "Signature not yet current: X is still later than Y", {
        date: new Date(Date.parse("2026-11-22T09:00:00Z")).toUTCString(),
      });
    const aws = scriptedFetch(skew, skew);
    const failure = await client(aws.fetch)
      .kvs.joinStorageSession({ channelArn: CHANNEL_ARN })
      .catch((e: unknown) => e);
    expect(isKvsError(failure, "InvalidSignatureException")).toBe(true);
    expect(aws.calls).toHaveLength(2);
  });

  it("keeps credentials out of logs and errors", async () => {
    const aws = scriptedFetch(
      () => awsError(500, "InternalFailure", `internal ${CREDENTIALS.secretAccessKey}`),
      () =>
        awsError(
          403,
          "UnrecognizedClientException",
          "The security token included in the request is invalid.",
        ),
    );
    const { kvs, logs } = client(aws.fetch);
    const failure = await kvs.joinStorageSession({ channelArn: CHANNEL_ARN }).catch((e: unknown) => e);
    const seen = JSON.stringify([logs, failure, isKvsError(failure) ? failure.message : ""]);
    expect(seen).not.toContain(CREDENTIALS.secretAccessKey);
    expect(seen).not.toContain("Signature=");
  });
});
