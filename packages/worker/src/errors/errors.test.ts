import { env, reset } from "cloudflare:test";
import { KvsError, type KvsErrorCode } from "@kvs-webrtc-storage/core";
import { afterEach, beforeEach, describe, it } from "vitest";
import { awsError, type FakeUpstream, fakeUpstream, hang } from "../../test/support/fake-upstream.ts";
import { brokenLimiter } from "../../test/support/limiters.ts";
import { CHANNELS, putTenant } from "../../test/support/tenants.ts";
import { post, send, testEnv } from "../../test/support/worker.ts";
import { type Failure, rateLimitHeaders, toWire, upstreamFailure } from "./errors.ts";

// a fresh configuration per test, as storage is: the isolate keeps its caches per configuration
let bindings = testEnv();
beforeEach(() => {
  bindings = testEnv();
});
let upstream: FakeUpstream;
let key: string;

beforeEach(async () => {
  upstream = fakeUpstream();
  key = await putTenant(env, "acme");
});
afterEach(async () => {
  upstream.restore();
  await reset();
});

async function wire(response: Response) {
  return {
    status: response.status,
    type: response.headers.get("x-amzn-ErrorType"),
    requestId: response.headers.get("x-amzn-RequestId"),
    contentType: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("every error answers in AWS rest-json shape", () => {
  const join = (body: unknown) => post(bindings, "/joinStorageSession", body, key);

  it.for([
    ["invalid JSON", "{not json"],
    ["a JSON array", "[]"],
    ["a malformed ARN", { channelArn: "arn:aws:s3:::bucket" }],
    ["a missing ARN", {}],
    ["a stream ARN", { channelArn: "arn:aws:kinesisvideo:us-west-2:111122223333:stream/demo-camera/1" }],
  ])("400 InvalidArgumentException for %s", async ([, body], { expect }) => {
    const error = await wire(await join(body));
    expect(error).toMatchObject({ status: 400, type: "InvalidArgumentException" });
    expect(error.body).toEqual({ message: expect.any(String) });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.contentType).toMatch(/^application\/json/);
    expect(upstream.calls).toHaveLength(0);
  });

  it("400 for a bad clientId and a bad role", async ({ expect }) => {
    const viewer = await post(
      bindings,
      "/joinStorageSessionAsViewer",
      { channelArn: CHANNELS.demoCamera, clientId: "a b" },
      key,
    );
    const role = await post(
      bindings,
      "/v1/device-session",
      { channelArn: CHANNELS.demoCamera, role: "ADMIN" },
      key,
    );
    const masterWithId = await post(
      bindings,
      "/v1/device-session",
      { channelArn: CHANNELS.demoCamera, role: "MASTER", clientId: "x" },
      key,
    );
    for (const response of [viewer, role, masterWithId]) {
      expect(await wire(response)).toMatchObject({ status: 400, type: "InvalidArgumentException" });
    }
  });

  it("400 for a channel in a region the proxy does not serve", async ({ expect }) => {
    const arn = "arn:aws:kinesisvideo:ap-south-1:111122223333:channel/demo-camera/1";
    expect(await wire(await join({ channelArn: arn }))).toMatchObject({
      status: 400,
      type: "InvalidArgumentException",
    });
  });

  it("401 NotAuthorizedException with WWW-Authenticate", async ({ expect }) => {
    const response = await post(bindings, "/joinStorageSession", { channelArn: CHANNELS.demoCamera });
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    expect(await wire(response)).toMatchObject({ status: 401, type: "NotAuthorizedException" });
  });

  it("403 AccessDeniedException for another channel", async ({ expect }) => {
    expect(await wire(await join({ channelArn: CHANNELS.other }))).toMatchObject({
      status: 403,
      type: "AccessDeniedException",
    });
  });

  it("404 ResourceNotFoundException from upstream", async ({ expect }) => {
    upstream.answer("/joinStorageSession", () => awsError(404, "ResourceNotFoundException"));
    expect(await wire(await join({ channelArn: CHANNELS.demoCamera }))).toMatchObject({
      status: 404,
      type: "ResourceNotFoundException",
      body: { message: "The signaling channel was not found." },
    });
  });

  it.for([
    ["GET", "/joinStorageSession"],
    ["POST", "/listSignalingChannels"],
    ["GET", "/"],
  ] as const)("404 UnknownOperationException for %s %s", async ([method, path], { expect }) => {
    expect(await wire(await send(bindings, path, { method }))).toMatchObject({
      status: 404,
      type: "UnknownOperationException",
    });
  });

  it("413 RequestEntityTooLargeException", async ({ expect }) => {
    const body = JSON.stringify({ channelArn: CHANNELS.demoCamera, padding: "x".repeat(5000) });
    expect(await wire(await join(body))).toMatchObject({
      status: 413,
      type: "RequestEntityTooLargeException",
    });
  });

  it.for(["text/plain", "application/x-www-form-urlencoded", ""])(
    "415 for content type %j",
    async (contentType, { expect }) => {
      const response = await send(bindings, "/joinStorageSession", {
        method: "POST",
        headers: { "content-type": contentType, authorization: `Bearer ${key}` },
        body: JSON.stringify({ channelArn: CHANNELS.demoCamera }),
      });
      expect(await wire(response)).toMatchObject({ status: 415, type: "UnsupportedMediaTypeException" });
    },
  );

  it("429 ClientLimitExceededException for upstream throttling", async ({ expect }) => {
    upstream.answer("/joinStorageSession", () => awsError(400, "ClientLimitExceededException"));
    const response = await join({ channelArn: CHANNELS.demoCamera });
    expect(response.headers.get("Retry-After")).toBe("1");
    expect(await wire(response)).toMatchObject({ status: 429, type: "ClientLimitExceededException" });
  });

  it.for([
    ["AccessDeniedException", 403],
    ["UnrecognizedClientException", 403],
    ["InvalidSignatureException", 403],
    ["InternalFailure", 500],
    ["ServiceUnavailable", 503],
  ] as const)("502 with a generic message for upstream %s", async ([type, status], { expect }) => {
    upstream.answer("/joinStorageSession", () => awsError(status, type, "secret upstream detail"));
    const error = await wire(await join({ channelArn: CHANNELS.demoCamera }));
    expect(error).toMatchObject({ status: 502, type: "BadGatewayException" });
    expect(JSON.stringify(error.body)).not.toContain("secret upstream detail");
  });

  it("502 for a connection reset", async ({ expect }) => {
    upstream.answer("/joinStorageSession", () => Promise.reject(new TypeError("Network connection lost.")));
    expect(await wire(await join({ channelArn: CHANNELS.demoCamera }))).toMatchObject({ status: 502 });
  });

  it("503 with Retry-After when the limiter fails", async ({ expect }) => {
    const broken = testEnv({ LIMITER: brokenLimiter("throw").namespace });
    const response = await post(broken, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key);
    expect(response.headers.get("Retry-After")).toBe("1");
    expect(await wire(response)).toMatchObject({ status: 503, type: "ServiceUnavailableException" });
    expect(upstream.calls).toHaveLength(0);
  });

  it("504 GatewayTimeoutException when upstream does not answer in time", async ({ expect }) => {
    upstream.answer("/joinStorageSession", hang);
    const impatient = testEnv({ UPSTREAM_TIMEOUT_MS: "50" });
    const response = await post(impatient, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key);
    expect(await wire(response)).toMatchObject({
      status: 504,
      type: "GatewayTimeoutException",
    });
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(1);
  });

  it("500 InternalFailure naming no variable when configuration is invalid", async ({ expect }) => {
    const invalid = testEnv({ AWS_SECRET_ACCESS_KEY: "" });
    const error = await wire(
      await post(invalid, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key),
    );
    expect(error).toMatchObject({ status: 500, type: "InternalFailure" });
    expect(JSON.stringify(error.body)).not.toContain("AWS_");
  });
});

describe("the errors module, unit by unit", () => {
  it("maps every core error code to the documented failure, keeping AWS's status and id for the log", ({
    expect,
  }) => {
    const kinds: Record<KvsErrorCode, string> = {
      ResourceNotFoundException: "upstream-not-found",
      InvalidArgumentException: "upstream-invalid-argument",
      ClientLimitExceededException: "upstream-throttled",
      ThrottlingException: "upstream-throttled",
      ViewerLimitExceeded: "upstream-viewer-limit",
      TimeoutError: "upstream-timeout",
      RequestTimeoutException: "upstream-timeout",
      AbortError: "upstream-timeout",
      AccessDeniedException: "upstream-failed",
      NotAuthorizedException: "upstream-failed",
      InvalidSignatureException: "upstream-failed",
      UnrecognizedClientException: "upstream-failed",
      ExpiredTokenException: "upstream-failed",
      IncompleteSignature: "upstream-failed",
      RequestExpired: "upstream-failed",
      InternalFailure: "upstream-failed",
      ServiceUnavailable: "upstream-failed",
      NetworkError: "upstream-failed",
      UntrustedEndpoint: "upstream-failed",
      UnknownError: "upstream-failed",
    };
    for (const [code, kind] of Object.entries(kinds) as [KvsErrorCode, string][]) {
      const mapped = upstreamFailure(
        new KvsError(code, { message: "secret detail", requestId: "aws-1", status: 418 }),
      );
      expect(mapped.ok || mapped.error.kind).toBe(kind);
      expect([mapped.upstreamStatus, mapped.upstreamRequestId]).toEqual([418, "aws-1"]);
      expect(JSON.stringify(mapped.ok || toWire(mapped.error))).not.toContain("secret detail");
    }
    const unexpected = upstreamFailure(new TypeError("boom"));
    expect(unexpected.ok || unexpected.error).toEqual({
      kind: "internal",
      detail: "unexpected upstream error",
    });
  });

  it("chooses one status and error type per failure, with fixed messages", ({ expect }) => {
    const verdict = {
      name: "channel",
      quota: 2,
      windowMs: 1050,
      allowed: false,
      remaining: 0,
      retryAfterMs: 300,
      fullInMs: 800,
    } as const;
    const table: [Failure, number, string][] = [
      [{ kind: "unknown-operation" }, 404, "UnknownOperationException"],
      [{ kind: "body-too-large", limitBytes: 4096 }, 413, "RequestEntityTooLargeException"],
      [{ kind: "unsupported-media-type" }, 415, "UnsupportedMediaTypeException"],
      [{ kind: "invalid-input", message: "x" }, 400, "InvalidArgumentException"],
      [{ kind: "unauthenticated" }, 401, "NotAuthorizedException"],
      [{ kind: "forbidden", message: "x" }, 403, "AccessDeniedException"],
      [{ kind: "rate-limited", verdict }, 429, "ClientLimitExceededException"],
      [{ kind: "limiter-unavailable", detail: "log only" }, 503, "ServiceUnavailableException"],
      [{ kind: "upstream-invalid-argument" }, 400, "InvalidArgumentException"],
      [{ kind: "upstream-not-found" }, 404, "ResourceNotFoundException"],
      [{ kind: "upstream-throttled" }, 429, "ClientLimitExceededException"],
      [{ kind: "upstream-viewer-limit" }, 400, "ClientLimitExceededException"],
      [{ kind: "upstream-failed", detail: "log only" }, 502, "BadGatewayException"],
      [{ kind: "upstream-timeout" }, 504, "GatewayTimeoutException"],
      [{ kind: "join-not-sent", retryAfterMs: 4200 }, 503, "ServiceUnavailableException"],
      [{ kind: "misconfigured", detail: "log only" }, 500, "InternalFailure"],
      [{ kind: "internal", detail: "log only" }, 500, "InternalFailure"],
    ];
    for (const [failure, status, type] of table) {
      const wired = toWire(failure);
      expect([failure.kind, wired.status, wired.type]).toEqual([failure.kind, status, type]);
      expect(wired.message).not.toContain("log only");
    }
    expect(toWire({ kind: "body-too-large", limitBytes: 4096 }).message).toBe(
      "The request body exceeds 4096 bytes.",
    );
    // a join that never left says when it could: whole seconds, rounded up, at least one
    expect(toWire({ kind: "join-not-sent", retryAfterMs: 4200 }).headers).toEqual({ "Retry-After": "5" });
    expect(toWire({ kind: "join-not-sent", retryAfterMs: 0 }).headers).toEqual({ "Retry-After": "1" });
  });

  it("advertises RateLimit fields and a Retry-After never earlier than its t, never beyond the window", ({
    expect,
  }) => {
    const base = { name: "account", quota: 50, windowMs: 1050, remaining: 0, fullInMs: 1000 } as const;
    expect(
      rateLimitHeaders({ ...base, allowed: true, remaining: 49, retryAfterMs: 0, fullInMs: 20 }),
    ).toEqual({
      "RateLimit-Policy": '"account";q=50;w=1',
      RateLimit: '"account";r=49;t=1',
    });
    expect(rateLimitHeaders({ ...base, allowed: false, retryAfterMs: 20 })).toEqual({
      "RateLimit-Policy": '"account";q=50;w=1',
      RateLimit: '"account";r=0;t=1',
      "Retry-After": "1",
    });
    const auth = {
      name: "auth",
      quota: 3,
      windowMs: 60_000,
      remaining: 0,
      fullInMs: 60_000,
      allowed: false,
    } as const;
    expect(rateLimitHeaders({ ...auth, retryAfterMs: 19_001 })["Retry-After"]).toBe("20");
    // a turn further off than the window is announced rounded down: the device comes early and is held for it
    const turn = { ...auth, name: "account", quota: 50, windowMs: 1050 } as const;
    expect(rateLimitHeaders({ ...turn, retryAfterMs: 37_400 })["Retry-After"]).toBe("37");
    expect(rateLimitHeaders({ ...turn, retryAfterMs: 37_400 }).RateLimit).toBe('"account";r=0;t=37');
    // a one-second window with the proxy's margin: w=1, and a wait of 1.05 s is announced as 2 s, not cut to 1
    expect(rateLimitHeaders({ ...base, allowed: false, retryAfterMs: 1050 })).toEqual({
      "RateLimit-Policy": '"account";q=50;w=1',
      RateLimit: '"account";r=0;t=2',
      "Retry-After": "2",
    });
  });
});
