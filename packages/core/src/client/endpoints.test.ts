import { describe, expect, it } from "vitest";
import { isKvsError, untilAborted } from "../errors/kvs-error.ts";
import { endpointTrust } from "./endpoints.ts";

describe("endpointTrust", () => {
  const aws = endpointTrust("us-west-2");
  it.each([
    "wss://m-1234abcd.kinesisvideo.us-west-2.amazonaws.com",
    "https://r-1234abcd.kinesisvideo.us-west-2.amazonaws.com/",
    "https://w-1.kinesisvideo-fips.us-west-2.amazonaws.com",
    "https://r-1.kinesisvideo.us-west-2.api.aws",
  ])("trusts the region's KVS host %s", (url) => expect(aws(new URL(url))).toBe(true));

  it.each([
    "http://r-1.kinesisvideo.us-west-2.amazonaws.com",
    "ws://m-1.kinesisvideo.us-west-2.amazonaws.com",
    "https://r-1.kinesisvideo.us-west-2.amazonaws.com:8443",
    "https://user:pw@r-1.kinesisvideo.us-west-2.amazonaws.com",
    "https://r-1.kinesisvideo.eu-west-1.amazonaws.com",
    "https://kinesisvideo.us-west-2.amazonaws.com.evil.example",
    "https://evil.example/?.kinesisvideo.us-west-2.amazonaws.com",
    "https://s3.us-west-2.amazonaws.com",
    "https://r-1.kinesisvideoXus-west-2.amazonaws.com",
  ])("refuses %s", (url) => expect(aws(new URL(url))).toBe(false));

  it("trusts a local origin's exact host over its own kind of scheme only", () => {
    const local = endpointTrust("us-west-2", "http://127.0.0.1:8790");
    expect(local(new URL("http://127.0.0.1:8790/joinStorageSession"))).toBe(true);
    expect(local(new URL("ws://127.0.0.1:8790"))).toBe(true);
    expect(local(new URL("https://127.0.0.1:8790"))).toBe(false);
    expect(local(new URL("http://127.0.0.1:8791"))).toBe(false);
    expect(local(new URL("http://localhost:8790"))).toBe(false);
    const tls = endpointTrust("us-west-2", "https://127.0.0.1:8790");
    expect(tls(new URL("wss://127.0.0.1:8790"))).toBe(true);
    expect(tls(new URL("ws://127.0.0.1:8790"))).toBe(false);
  });

  it("refuses a region that is not a region name, naming the rule", () => {
    const failure = (() => {
      try {
        return endpointTrust("us-west-2|.*");
      } catch (error) {
        return error;
      }
    })();
    expect(isKvsError(failure, "InvalidArgumentException") && failure.message).toBe(
      "Invalid input: region must be an AWS region such as us-west-2 (^[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}$)",
    );
  });
});

describe("untilAborted", () => {
  it("settles as the work does while the signal stays quiet", async () => {
    await expect(untilAborted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(untilAborted(Promise.reject(new Error("x")), undefined)).rejects.toThrow("x");
  });

  it("rejects with an AbortError carrying the reason as soon as the signal aborts", async () => {
    const controller = new AbortController();
    const pending = untilAborted(new Promise<never>(() => {}), controller.signal);
    controller.abort("deadline");
    const failure = await pending.catch((e: unknown) => e);
    expect(isKvsError(failure, "AbortError") && failure.cause).toBe("deadline");
    const early = await untilAborted(Promise.resolve(1), AbortSignal.abort("gone")).catch((e: unknown) => e);
    expect(isKvsError(early, "AbortError")).toBe(true);
  });

  it("tells a deadline from the caller's abort", async () => {
    const deadline = AbortSignal.abort(new DOMException("The operation timed out", "TimeoutError"));
    const late = await untilAborted(new Promise<never>(() => {}), deadline).catch((e: unknown) => e);
    expect(isKvsError(late, "TimeoutError") && late.message).toBe("The call ran past its deadline");
  });
});
