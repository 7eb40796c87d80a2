import { describe, expect, it } from "vitest";
import { credentialSource } from "./credentials.ts";
import { isKvsError } from "./errors/kvs-error.ts";

const base = Date.parse("2026-11-22T10:00:00Z");

describe("credentialSource", () => {
  it("shares one refresh between concurrent callers", async () => {
    let calls = 0;
    const source = credentialSource(
      async () => {
        calls++;
        return { accessKeyId: "A", secretAccessKey: "S", expiration: new Date(base + 3_600_000) };
      },
      () => base,
    );
    await Promise.all([source(), source(), source()]);
    await source();
    expect(calls).toBe(1);
  });

  it("keeps valid credentials when an early refresh fails, and fails once they expire", async () => {
    let nowMs = base;
    let fail = false;
    const source = credentialSource(
      async () => {
        if (fail) throw new Error("STS unavailable");
        return { accessKeyId: "A", secretAccessKey: "S", expiration: new Date(base + 10 * 60_000) };
      },
      () => nowMs,
    );
    await source();
    fail = true;
    nowMs = base + 6 * 60_000;
    expect((await source()).accessKeyId).toBe("A");
    nowMs = base + 11 * 60_000;
    await expect(source()).rejects.toThrow("STS unavailable");
  });

  it("rejects expired static credentials locally", async () => {
    const source = credentialSource(
      { accessKeyId: "A", secretAccessKey: "S", expiration: new Date(base - 1) },
      () => base,
    );
    const failure = await source().catch((e: unknown) => e);
    expect(isKvsError(failure, "ExpiredTokenException")).toBe(true);
  });

  it("names each missing credential field", () => {
    const bad = { accessKeyId: "", secretAccessKey: "" };
    expect(() => credentialSource(bad)).toThrow(
      "Invalid input: credentials.accessKeyId must be a non-empty string; credentials.secretAccessKey must be a non-empty string",
    );
  });
});
