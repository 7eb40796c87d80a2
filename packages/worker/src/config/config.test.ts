import { describe, it } from "vitest";
import { OPERATOR, send, testEnv } from "../../test/support/worker.ts";
import type { Env } from "../env.ts";
import { loadConfig } from "./config.ts";

describe("configuration", () => {
  it("accepts the defaults and fills in the documented limits", ({ expect }) => {
    const result = loadConfig(testEnv());
    expect(result.ok && result.value).toEqual({
      ALLOWED_REGIONS: new Set(["us-west-2", "eu-west-1"]),
      CONTROL_PLANE_ORIGIN: undefined,
      EMULATOR_ORIGIN: undefined,
      JOIN_LIMIT_PER_SECOND: 2,
      DEVICE_SESSION_LIMIT_PER_SECOND: 3,
      ACCOUNT_JOIN_LIMIT_PER_SECOND: 50,
      LIMIT_WINDOW_MARGIN_MS: 50,
      MAX_QUEUE_WAIT_MS: 3000,
      MAX_HELD_REQUESTS: 1000,
      AUTH_FAILURE_LIMIT_PER_MINUTE: 10,
      AUTH_ADDRESS_FAILURE_LIMIT_PER_MINUTE: 60,
      LIMITER_TIMEOUT_MS: 1000,
      UPSTREAM_TIMEOUT_MS: 5000,
      PRESIGN_EXPIRES_SECONDS: 300,
      TOKEN_MAX_TTL_SECONDS: 3600,
    });
    expect(result.ok && result.value.CONTROL_PLANE_ORIGIN).toBeUndefined();
  });

  it.for([
    ["ALLOWED_REGIONS", ""],
    ["ALLOWED_REGIONS", "us-west-2,Mars"],
    ["CONTROL_PLANE_ORIGIN", "http://kinesisvideo.us-west-2.amazonaws.com"],
    ["CONTROL_PLANE_ORIGIN", "https://user:pw@kinesisvideo.example"],
    ["CONTROL_PLANE_ORIGIN", "https://kinesisvideo.example/path"],
    ["EMULATOR_ORIGIN", "http://emulator.example:8790"],
    ["EMULATOR_ORIGIN", "not a url"],
    ["JOIN_LIMIT_PER_SECOND", "0"],
    ["JOIN_LIMIT_PER_SECOND", "2.5"],
    ["DEVICE_SESSION_LIMIT_PER_SECOND", "many"],
    ["ACCOUNT_JOIN_LIMIT_PER_SECOND", "-1"],
    ["AUTH_FAILURE_LIMIT_PER_MINUTE", "100000"],
    ["LIMITER_TIMEOUT_MS", "5000"],
    ["UPSTREAM_TIMEOUT_MS", "60000"],
    ["PRESIGN_EXPIRES_SECONDS", "3600"],
    ["AWS_ACCESS_KEY_ID", "not-a-key-secret-value"],
    ["AWS_SECRET_ACCESS_KEY", "short-secret"],
    ["TOKEN_SIGNING_KEYS", "k1:short"],
    [
      "TOKEN_SIGNING_KEYS",
      "k1:first-signing-secret-0123456789abcdef,k1:second-signing-secret-0123456789abcd",
    ],
    ["TOKEN_MAX_TTL_SECONDS", "604800"],
    // a turn is told in whole seconds, rounded down: a shorter hold could not take the device coming a second early
    ["MAX_QUEUE_WAIT_MS", "1500"],
    ["MAX_QUEUE_WAIT_MS", "60000"],
    ["MAX_HELD_REQUESTS", "0"],
  ] as const)("names %s once, without its value, when it is %j", ([name, value], { expect }) => {
    const result = loadConfig(testEnv({ [name]: value } as Partial<Env>));
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.error;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
    if (value.length > 3) expect(problems[0]).not.toContain(value);
  });

  it("reports every invalid variable, one message each", ({ expect }) => {
    const result = loadConfig(
      testEnv({
        ALLOWED_REGIONS: "",
        JOIN_LIMIT_PER_SECOND: "x",
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
      }),
    );
    expect(result.ok ? [] : result.error.map((problem) => problem.split(":")[0])).toEqual([
      "ALLOWED_REGIONS",
      "JOIN_LIMIT_PER_SECOND",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
    ]);
  });

  it("keeps the operator's secrets readable but out of every enumeration, spread and JSON", ({ expect }) => {
    const token = "operator-session-token-value";
    const result = loadConfig(testEnv({ AWS_SESSION_TOKEN: token }));
    if (!result.ok) throw new Error(result.error.join("; "));
    const config = result.value;
    expect([config.AWS_ACCESS_KEY_ID, config.AWS_SECRET_ACCESS_KEY, config.AWS_SESSION_TOKEN]).toEqual([
      OPERATOR.accessKeyId,
      OPERATOR.secretAccessKey,
      token,
    ]);
    const views = [JSON.stringify(config), JSON.stringify({ ...config }), Object.keys(config).join()];
    for (const view of views) {
      for (const secret of [OPERATOR.accessKeyId, OPERATOR.secretAccessKey, token, "AWS_"]) {
        expect(view).not.toContain(secret);
      }
    }
  });

  it("accepts a loopback emulator origin and an https control plane", ({ expect }) => {
    const result = loadConfig(
      testEnv({
        EMULATOR_ORIGIN: "http://127.0.0.1:8790/",
        CONTROL_PLANE_ORIGIN: "https://kinesisvideo-fips.us-west-2.amazonaws.com",
      }),
    );
    expect(result.ok && [result.value.EMULATOR_ORIGIN, result.value.CONTROL_PLANE_ORIGIN]).toEqual([
      "http://127.0.0.1:8790",
      "https://kinesisvideo-fips.us-west-2.amazonaws.com",
    ]);
  });
});

describe("GET /healthz", () => {
  it("reports the version and a valid configuration without authentication", async ({ expect }) => {
    const response = await send(testEnv(), "/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", version: "0.1.0", configuration: "valid" });
  });

  it("answers 503 for an invalid configuration, naming no variable or value", async ({ expect }) => {
    const response = await send(testEnv({ AWS_SECRET_ACCESS_KEY: "tiny" }), "/healthz");
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(/AWS_|tiny/);
    expect(JSON.parse(text)).toMatchObject({ configuration: "invalid" });
  });
});
