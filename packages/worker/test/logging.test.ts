import { env, reset } from "cloudflare:test";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { awsError, type FakeUpstream, fakeUpstream, hang } from "./support/fake-upstream.ts";
import { CHANNELS, putTenant, secretFor } from "./support/tenants.ts";
import { OPERATOR, post, send, testEnv } from "./support/worker.ts";

const SESSION_TOKEN = "operator-session-token-must-not-leak";
const FORBIDDEN = [
  OPERATOR.secretAccessKey,
  OPERATOR.accessKeyId,
  SESSION_TOKEN,
  secretFor("acme"),
  secretFor("wrong"),
  "AWS4-HMAC-SHA256",
  "X-Amz-Signature",
  "X-Amz-Credential",
  "turn-password",
  "Bearer",
];

describe("structured logs", () => {
  const lines: string[] = [];
  let upstream: FakeUpstream;
  let requests = 0;

  beforeAll(async () => {
    const capture = (...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    };
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation(capture);
    }
    upstream = fakeUpstream();
    const key = await putTenant(env, "acme");
    const bindings = testEnv({ AWS_SESSION_TOKEN: SESSION_TOKEN });
    const join = (body: unknown, bearer = key) => {
      requests++;
      return post(bindings, "/joinStorageSession", body, bearer);
    };
    await join({ channelArn: CHANNELS.demoCamera });
    requests++;
    await post(
      bindings,
      "/v1/device-session",
      { channelArn: CHANNELS.demoCamera2, role: "VIEWER", clientId: "v" },
      key,
    );
    await join({ channelArn: CHANNELS.demoCamera }, `acme.${secretFor("wrong")}`);
    await join({ channelArn: CHANNELS.other });
    await join("{bad json");
    upstream.answer("/joinStorageSession", () =>
      awsError(
        403,
        "InvalidSignatureException",
        `The request signature we calculated does not match. Canonical request: x-amz-security-token:${SESSION_TOKEN} Credential=${OPERATOR.accessKeyId}`,
      ),
    );
    await join({ channelArn: CHANNELS.demoCamera2 });
    upstream.answer("/joinStorageSession", hang);
    requests++;
    const impatient = testEnv({ AWS_SESSION_TOKEN: SESSION_TOKEN, UPSTREAM_TIMEOUT_MS: "30" });
    await post(impatient, "/joinStorageSession", { channelArn: CHANNELS.demoCamera2 }, key);
    requests++;
    await send(bindings, "/healthz");
    requests++;
    await send(testEnv({ AWS_SECRET_ACCESS_KEY: "" }), "/joinStorageSession", { method: "POST" });
    requests++;
    const misconfigured = testEnv({ AWS_SESSION_TOKEN: SESSION_TOKEN, ALLOWED_REGIONS: "" });
    await post(misconfigured, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, key);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    upstream.restore();
    await reset();
  });

  it("writes exactly one JSON line per request", ({ expect }) => {
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(requests);
    for (const record of records) {
      expect(record).toMatchObject({
        msg: "request",
        requestId: expect.any(String),
        status: expect.any(Number),
      });
      expect(record.latencyMs).toEqual(expect.any(Number));
    }
    expect(records[0]).toMatchObject({
      tenant: "acme",
      channel: CHANNELS.demoCamera,
      decision: "ok",
      upstreamStatus: 200,
      upstreamRequestId: expect.stringMatching(/^upstream-/),
    });
    expect(records.map((record) => record.decision)).toContain("upstream-failed");
    expect(records.at(-1)).toMatchObject({
      decision: "misconfigured",
      detail: expect.stringMatching(/^ALLOWED_REGIONS: /),
    });
  });

  it("never contains a key, secret, signature or token", ({ expect }) => {
    const output = lines.join("\n");
    for (const secret of FORBIDDEN) expect(output).not.toContain(secret);
  });
});
