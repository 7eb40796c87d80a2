import { vi } from "vitest";

/** One request that left the Worker, as the upstream saw it. */
export interface UpstreamCall {
  url: URL;
  method: string;
  redirect: string;
  headers: Headers;
  body: string;
}

type Answer = (call: UpstreamCall, signal: AbortSignal | undefined) => Response | Promise<Response>;

/** A fake AWS for tests that need exact call counts, header inspection or faults. */
export interface FakeUpstream {
  readonly calls: UpstreamCall[];
  /** Calls to a path, e.g. `/joinStorageSession`. */
  callsTo(path: string): UpstreamCall[];
  /** Replaces the answer for a path until `restore`. */
  answer(path: string, answer: Answer): void;
  restore(): void;
}

let requestIds = 0;

const region = (call: UpstreamCall): string => {
  const arn = String((JSON.parse(call.body || "{}") as { ChannelARN?: unknown }).ChannelARN ?? "");
  return arn.split(":")[3] ?? "us-west-2";
};

// AWS's DNS suffix for the region's partition (China has its own)
const host = (call: UpstreamCall): string =>
  `kinesisvideo.${region(call)}.amazonaws.com${region(call).startsWith("cn-") ? ".cn" : ""}`;

const defaults: Record<string, Answer> = {
  "/getSignalingChannelEndpoint": (call) =>
    Response.json({
      ResourceEndpointList: [
        { Protocol: "WSS", ResourceEndpoint: `wss://m-fake.${host(call)}` },
        { Protocol: "HTTPS", ResourceEndpoint: `https://r-fake.${host(call)}` },
        { Protocol: "WEBRTC", ResourceEndpoint: `https://w-fake.${host(call)}` },
      ],
    }),
  "/joinStorageSession": () =>
    new Response(null, { headers: { "x-amzn-RequestId": `upstream-${++requestIds}` } }),
  "/joinStorageSessionAsViewer": () =>
    new Response(null, { headers: { "x-amzn-RequestId": `upstream-${++requestIds}` } }),
  "/v1/get-ice-server-config": () =>
    Response.json({
      IceServerList: [
        { Uris: ["turn:turn.example:443"], Username: "u", Password: "turn-password", Ttl: 300 },
      ],
    }),
};

/**
 * Replaces `globalThis.fetch` (shared by the tests and the Worker in workerd) with a fake KVS.
 * Unknown paths throw, so nothing ever leaves the machine.
 */
export function fakeUpstream(): FakeUpstream {
  const calls: UpstreamCall[] = [];
  const overrides = new Map<string, Answer>();
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const call: UpstreamCall = {
      url: new URL(request.url),
      method: request.method,
      redirect: init?.redirect ?? request.redirect,
      headers: request.headers,
      body: await request.text(),
    };
    calls.push(call);
    const answer = overrides.get(call.url.pathname) ?? defaults[call.url.pathname];
    if (answer === undefined) throw new TypeError(`unexpected upstream call to ${call.url.pathname}`);
    return answer(call, init?.signal ?? undefined);
  });
  return {
    calls,
    callsTo: (path) => calls.filter((call) => call.url.pathname === path),
    answer: (path, answer) => overrides.set(path, answer),
    restore: () => spy.mockRestore(),
  };
}

/** An AWS rest-json error answer. */
export function awsError(status: number, type: string, message = "upstream detail"): Response {
  return Response.json(
    { message },
    { status, headers: { "x-amzn-ErrorType": type, "x-amzn-RequestId": "aws-err-1" } },
  );
}

/** An answer that never comes, until the caller's signal aborts. */
export const hang: Answer = (_call, signal) =>
  new Promise((_resolve, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
