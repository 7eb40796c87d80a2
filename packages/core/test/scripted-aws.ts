/** @module A scripted stand-in for AWS in client unit tests: each call takes the next scripted answer. */
import type { ClientRuntime } from "../src/client/options.ts";

export interface RecordedCall {
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

type Script = (call: RecordedCall, signal: AbortSignal) => Response | Promise<Response>;

export const CONTROL_PLANE = "https://kinesisvideo.us-west-2.amazonaws.com";
export const WEBRTC = "https://w-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com";
export const CHANNEL_ARN = "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000";
export const CREDENTIALS = { accessKeyId: "AKIATESTKEY", secretAccessKey: "test-secret-key-value" };

export const endpointsAnswer = (endpoints: Record<string, string> = { WEBRTC }): Response =>
  Response.json({
    ResourceEndpointList: Object.entries(endpoints).map(([Protocol, ResourceEndpoint]) => ({
      Protocol,
      ResourceEndpoint,
    })),
  });

export const awsError = (
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) =>
  new Response(JSON.stringify({ message }), {
    status,
    headers: {
      "x-amzn-ErrorType": code,
      "x-amzn-RequestId": `req-${code}`,
      "content-type": "application/json",
      ...headers,
    },
  });

export const joined = (requestId = "req-join"): Response =>
  new Response(null, { headers: { "x-amzn-RequestId": requestId } });

/** A fetch that answers from `scripts` in order and records every call. */
export function scriptedFetch(...scripts: Script[]) {
  const calls: RecordedCall[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const call = { url: String(input), headers: new Headers(init?.headers), body: String(init?.body ?? "") };
    calls.push(call);
    const script = scripts.shift();
    if (script === undefined) throw new Error(`unexpected call to ${call.url}`);
    return script(call, init?.signal ?? new AbortController().signal);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

/** A never-answering script that rejects once the request is aborted, as fetch does (even if already aborted). */
export const hang: Script = (_call, signal) =>
  new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

/** A runtime whose clock only moves when told and whose sleeps are recorded, not waited. */
export function manualRuntime(startMs = Date.parse("2026-11-22T10:00:00Z")) {
  const sleeps: number[] = [];
  let nowMs = startMs;
  const runtime: ClientRuntime = {
    now: () => nowMs,
    random: () => 0.5,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      nowMs += ms;
    },
  };
  return { runtime, sleeps, advance: (ms: number) => (nowMs += ms) };
}
