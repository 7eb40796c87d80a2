import { describe, it } from "vitest";
import { DEFAULT_RETRY_MS, nextStep, retryDelayMs } from "./retry-advice.ts";

const fields = (retryAfter: string | null, rateLimit: string | null = null) => ({ retryAfter, rateLimit });

describe("retryDelayMs", () => {
  it("reads Retry-After in delta-seconds first", ({ expect }) => {
    expect(retryDelayMs(fields("2", '"account";r=0;t=5'))).toBe(2000);
    expect(retryDelayMs(fields(" 0 "))).toBe(0);
  });

  it("reads Retry-After as an HTTP date", ({ expect }) => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(retryDelayMs(fields("Tue, 01 Dec 2026 10:00:03 GMT"), now)).toBe(3000);
    expect(retryDelayMs(fields("Tue, 01 Dec 2026 09:59:00 GMT"), now)).toBe(0);
  });

  it("falls back to the t of an exhausted RateLimit item, the longest of several", ({ expect }) => {
    expect(retryDelayMs(fields(null, '"channel";r=0;t=1'))).toBe(1000);
    expect(retryDelayMs(fields("", '"channel";r=0;t=1, "account";r=0;t=4'))).toBe(4000);
  });

  it("is undefined when nothing says to wait", ({ expect }) => {
    expect(retryDelayMs(fields(null))).toBeUndefined();
    expect(retryDelayMs(fields(null, '"account";r=12;t=1'))).toBeUndefined();
    expect(retryDelayMs(fields("soon"))).toBeUndefined();
  });
});

describe("nextStep", () => {
  it("joins on 200 and waits as told on 429 and 503", ({ expect }) => {
    expect(nextStep(200, fields(null))).toEqual({ kind: "joined" });
    expect(nextStep(429, fields("2"))).toEqual({ kind: "retry", waitMs: 2000 });
    expect(nextStep(503, fields(null))).toEqual({ kind: "retry", waitMs: DEFAULT_RETRY_MS });
  });

  it("retries server and network errors after a second and gives up on other client errors", ({ expect }) => {
    expect(nextStep(502, fields(null))).toEqual({ kind: "retry", waitMs: DEFAULT_RETRY_MS });
    expect(nextStep(0, fields(null))).toEqual({ kind: "retry", waitMs: DEFAULT_RETRY_MS });
    expect(nextStep(403, fields("1"))).toEqual({ kind: "give-up" });
  });
});
