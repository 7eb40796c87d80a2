import { env, reset } from "cloudflare:test";
import { afterEach, beforeEach, describe, it } from "vitest";
import { type FakeUpstream, fakeUpstream, type UpstreamCall } from "./support/fake-upstream.ts";
import { CHANNELS, putTenant, secretFor } from "./support/tenants.ts";
import { post, send, testEnv } from "./support/worker.ts";

// a fresh configuration per test, as storage is: the isolate keeps its caches per configuration
let bindings = testEnv({ JOIN_LIMIT_PER_SECOND: "1000", ACCOUNT_JOIN_LIMIT_PER_SECOND: "1000" });
beforeEach(() => {
  bindings = testEnv({ JOIN_LIMIT_PER_SECOND: "1000", ACCOUNT_JOIN_LIMIT_PER_SECOND: "1000" });
});
const ALLOWED_HEADERS = new Set([
  "authorization",
  "content-type",
  "content-length",
  "host",
  "x-amz-date",
  "x-amz-content-sha256",
  "x-amz-security-token",
]);
const SIGNABLE = new Set([
  "content-type",
  "host",
  "x-amz-date",
  "x-amz-content-sha256",
  "x-amz-security-token",
]);
const UPSTREAM_ORIGINS = new Set([
  "https://kinesisvideo.us-west-2.amazonaws.com",
  "https://w-fake.kinesisvideo.us-west-2.amazonaws.com",
]);

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

function expectClean(call: UpstreamCall, expect: import("vitest").ExpectStatic) {
  expect(UPSTREAM_ORIGINS).toContain(call.url.origin);
  expect(call.redirect).toBe("manual");
  for (const name of call.headers.keys()) expect(ALLOWED_HEADERS).toContain(name);
  const authorization = call.headers.get("authorization") ?? "";
  expect(authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIAEMULATOROPERATOR\/\d{8}\/us-west-2\/kinesisvideo\//,
  );
  const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(";") ?? [];
  for (const name of signed) expect(SIGNABLE).toContain(name);
  const everything = `${call.url} ${[...call.headers].join(" ")} ${call.body}`;
  expect(everything).not.toMatch(/evil|attacker|secret-0123|cookie|tenant-session/i);
}

describe("hostile headers never steer or reach upstream", () => {
  const hostile: [string, Record<string, string>][] = [
    ["Host", { host: "evil.example" }],
    ["X-Forwarded-Host", { "x-forwarded-host": "evil.example" }],
    [
      "X-Forwarded-Host in the Teleport a://b form",
      { "x-forwarded-host": "attacker.example://kinesisvideo.us-west-2.amazonaws.com" },
    ],
    ["Forwarded", { forwarded: "for=1.2.3.4;host=evil.example;proto=http" }],
    ["X-Forwarded-Proto/For", { "x-forwarded-proto": "http", "x-forwarded-for": "evil.example" }],
    [
      "X-Amz-* credentials",
      {
        "x-amz-date": "20200101T000000Z",
        "x-amz-security-token": "attacker-token",
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        "x-amz-target": "evil",
      },
    ],
    [
      "hop-by-hop headers",
      { connection: "x-evil", "x-evil": "1", te: "trailers", upgrade: "evil/1", "keep-alive": "timeout=5" },
    ],
    ["cookies", { cookie: "tenant-session=evil" }],
    [
      "an endpoint override",
      { "x-amz-endpoint": "https://evil.example", "x-endpoint": "https://evil.example" },
    ],
  ];

  it.for(hostile)("ignores %s", async ([, headers], { expect }) => {
    const response = await post(
      bindings,
      "/joinStorageSession",
      { channelArn: CHANNELS.demoCamera },
      key,
      headers,
    );
    expect(response.status).toBe(200);
    expect(upstream.calls.length).toBeGreaterThan(0);
    for (const call of upstream.calls) expectClean(call, expect);
  });

  it("ignores an endpoint in the query string or body", async ({ expect }) => {
    const body = { channelArn: CHANNELS.demoCamera, endpoint: "https://evil.example", Host: "evil.example" };
    const response = await post(bindings, "/joinStorageSession?endpoint=https://evil.example", body, key);
    expect(response.status).toBe(200);
    for (const call of upstream.calls) expectClean(call, expect);
  });

  it("does not route look-alike paths", async ({ expect }) => {
    for (const path of ["//evil.example/joinStorageSession", "/joinStorageSession/", "/JOINSTORAGESESSION"]) {
      expect((await post(bindings, path, { channelArn: CHANNELS.demoCamera }, key)).status).toBe(404);
    }
    expect((await send(bindings, "/healthz/")).status).toBe(404);
    expect(upstream.calls).toHaveLength(0);
  });
});

describe("region and service come from the ARN", () => {
  it.for(["us-west-2", "eu-west-1", "ap-northeast-1"])(
    "signs for %s/kinesisvideo and calls only that region's hosts",
    async (region, { expect }) => {
      const bindings = testEnv({ ALLOWED_REGIONS: "us-west-2,eu-west-1,ap-northeast-1" });
      const account = "444455556666";
      const tenant = await putTenant(env, `r-${region}`, {
        channels: [{ accountId: account, region, channelName: "cam" }],
      });
      const channelArn = `arn:aws:kinesisvideo:${region}:${account}:channel/cam/1700000000000`;
      expect((await post(bindings, "/joinStorageSession", { channelArn }, tenant)).status).toBe(200);
      expect(upstream.calls).toHaveLength(2);
      for (const call of upstream.calls) {
        expect(call.url.hostname).toMatch(new RegExp(`(^|\\.)kinesisvideo\\.${region}\\.amazonaws\\.com$`));
        expect(call.headers.get("authorization")).toContain(`/${region}/kinesisvideo/aws4_request`);
      }
    },
  );
});

describe("an ARN's partition must be its region's", () => {
  it.for([
    "arn:aws-cn:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000",
    "arn:aws-us-gov:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000",
    "arn:awsXYZ:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000",
  ])("refuses %s with 400 before anything is signed", async (channelArn, { expect }) => {
    for (const [path, body] of [
      ["/joinStorageSession", { channelArn }],
      ["/joinStorageSessionAsViewer", { channelArn, clientId: "v1" }],
      ["/v1/device-session", { channelArn, role: "MASTER" }],
    ] as const) {
      const response = await post(bindings, path, body, key);
      expect(response.status).toBe(400);
      expect(response.headers.get("x-amzn-ErrorType")).toBe("InvalidArgumentException");
      expect(((await response.json()) as { message: string }).message).toContain(
        "channelArn: must name its region's partition (aws-cn for cn-*",
      );
    }
    expect(upstream.calls).toHaveLength(0);
  });

  it("serves a grant that names its partition only that partition's ARNs", async ({ expect }) => {
    const china = await putTenant(env, "china", {
      channels: [
        { partition: "aws-cn", accountId: "111122223333", region: "cn-north-1", channelName: "cam" },
      ],
    });
    const cnBindings = testEnv({ ALLOWED_REGIONS: "us-west-2,cn-north-1" });
    const join = (channelArn: string) => post(cnBindings, "/joinStorageSession", { channelArn }, china);
    // the grant's partition is aws-cn: the same account and name under aws (in a served region) is not granted
    const awsTwin = "arn:aws:kinesisvideo:us-west-2:111122223333:channel/cam/1700000000000";
    expect((await join(awsTwin)).status).toBe(403);
    const cnArn = "arn:aws-cn:kinesisvideo:cn-north-1:111122223333:channel/cam/1700000000000";
    expect((await join(cnArn)).status).toBe(200);
    expect(upstream.calls.map((call) => call.url.hostname)).toEqual([
      "kinesisvideo.cn-north-1.amazonaws.com.cn",
      "w-fake.kinesisvideo.cn-north-1.amazonaws.com.cn",
    ]);
  });
});

describe("discovered endpoints must be AWS hosts of the ARN's region", () => {
  it.for([
    "https://evil.example",
    "https://w-fake.kinesisvideo.us-east-1.amazonaws.com",
    "https://w.kinesisvideo.us-west-2.amazonaws.com.evil.example",
    "https://user:pass@w.kinesisvideo.us-west-2.amazonaws.com",
    "https://w.kinesisvideo.us-west-2.amazonaws.com:8443",
    "http://w.kinesisvideo.us-west-2.amazonaws.com",
  ])("refuses %s with a 502 and never calls it", async (endpoint, { expect }) => {
    upstream.answer("/getSignalingChannelEndpoint", () =>
      Response.json({ ResourceEndpointList: [{ Protocol: "WEBRTC", ResourceEndpoint: endpoint }] }),
    );
    // A fresh configuration, hence a fresh client without cached endpoints.
    const response = await post(testEnv(), "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key);
    expect(response.status).toBe(502);
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(0);
  });
});

describe("bodies", () => {
  const chunked = (text: string, chunkSize = 512) => {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += chunkSize) {
          controller.enqueue(bytes.slice(offset, offset + chunkSize));
        }
        controller.close();
      },
    });
  };
  const chunkedPost = (text: string) =>
    send(bindings, "/joinStorageSession", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: chunked(text),
    });

  it("refuses a chunked body over 4 KB with 413 before authenticating or forwarding", async ({ expect }) => {
    const response = await chunkedPost(
      JSON.stringify({ channelArn: CHANNELS.demoCamera, pad: "x".repeat(8000) }),
    );
    expect(response.status).toBe(413);
    expect(upstream.calls).toHaveLength(0);
  });

  it("accepts a small chunked body", async ({ expect }) => {
    expect((await chunkedPost(JSON.stringify({ channelArn: CHANNELS.demoCamera }))).status).toBe(200);
  });

  it("refuses an oversized body before authentication (no key needed to be refused)", async ({ expect }) => {
    const response = await post(
      bindings,
      "/joinStorageSession",
      "x".repeat(5000),
      `acme.${secretFor("wrong")}`,
    );
    expect(response.status).toBe(413);
  });

  it("does not let __proto__ or constructor keys pollute or smuggle fields", async ({ expect }) => {
    const polluting = `{"channelArn":"${CHANNELS.demoCamera}","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`;
    expect((await post(bindings, "/joinStorageSession", polluting, key)).status).toBe(200);
    expect(Reflect.get({}, "polluted")).toBeUndefined();
    const smuggled = `{"__proto__":{"channelArn":"${CHANNELS.demoCamera}"}}`;
    expect((await post(bindings, "/joinStorageSession", smuggled, key)).status).toBe(400);
    for (const call of upstream.calls) expect(call.body).not.toContain("polluted");
  });
});
