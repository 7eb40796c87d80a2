import { env } from "cloudflare:test";
import { beforeEach, describe, it, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { CHANNELS, putTenant, secretFor } from "../../test/support/tenants.ts";
import { post, TOKEN_KEY, testEnv } from "../../test/support/worker.ts";
import { hashSecret } from "../tenant-auth/tenant-record.ts";

const START = Date.UTC(2030, 0, 1);
// a fresh configuration per test, as storage is: the isolate keeps its caches per configuration
let bindings = testEnv();
beforeEach(() => {
  bindings = testEnv();
});
let upstream: FakeUpstream;
let key: string;
frozenProxy(START, (fake, tenantKey) => {
  upstream = fake;
  key = tenantKey;
});

const viewer = { channelArn: CHANNELS.demoCamera, role: "VIEWER", clientId: "v1" } as const;

// an isolate keeps a tenant's record 30 s (KV's edge cache keeps it as long): a change counts after both
const afterRecordCache = (times = 1) => vi.setSystemTime(START + times * 30_000);

async function mint(body: object, credential = key, using = bindings): Promise<Response> {
  return post(using, "/v1/tokens", body, credential);
}

async function tokenFor(body: object = viewer, using = bindings): Promise<string> {
  const response = await mint(body, key, using);
  if (response.status !== 200)
    throw new Error(`minting answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

const viewerJoin = (
  token: string,
  clientId = "v1",
  channelArn: string = CHANNELS.demoCamera,
  using = bindings,
) => post(using, "/joinStorageSessionAsViewer", { channelArn, clientId }, token);

describe("POST /v1/tokens", () => {
  it("mints an uncacheable token expiring after the asked lifetime", async ({ expect }) => {
    const response = await mint({ ...viewer, ttlSeconds: 120 });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { token: string; expiresAt: string };
    expect(body.expiresAt).toBe(new Date(START + 120_000).toISOString());
    expect(body.token.split(".")).toHaveLength(3);
    expect(upstream.calls).toHaveLength(0);
  });

  it.for([
    [{ ...viewer, ttlSeconds: 3601 }, 400, "ttlSeconds: must be an integer from 1 to 3600"],
    [{ ...viewer, ttlSeconds: 1.5 }, 400, "ttlSeconds: must be an integer from 1 to 3600"],
    [{ ...viewer, origin: "https://app.example.com/path" }, 400, "origin: must be a browser origin"],
    [{ channelArn: CHANNELS.demoCamera, role: "VIEWER" }, 400, "clientId: is required for VIEWER"],
    [{ ...viewer, channelArn: CHANNELS.other }, 403, "The tenant may not use this channel."],
  ] as const)("refuses %j naming the rule", async ([body, status, message], { expect }) => {
    const response = await mint(body);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { message: string }).message).toContain(message);
  });

  it("takes the tenant key only: a token cannot mint, a wrong key is 401", async ({ expect }) => {
    expect((await mint(viewer, await tokenFor())).status).toBe(403);
    expect((await mint(viewer, `acme.${secretFor("other")}`)).status).toBe(401);
  });

  it("is a configuration error while no signing key is set, and tokens are then refused", async ({
    expect,
  }) => {
    const token = await tokenFor();
    const unkeyed = testEnv({ TOKEN_SIGNING_KEYS: "" });
    expect((await mint(viewer, key, unkeyed)).status).toBe(500);
    expect((await viewerJoin(token, "v1", CHANNELS.demoCamera, unkeyed)).status).toBe(401);
  });
});

describe("a device token", () => {
  it("works for exactly its channel, role and viewer, and sends nothing upstream otherwise", async ({
    expect,
  }) => {
    const token = await tokenFor();
    expect((await viewerJoin(token)).status).toBe(200);
    const session = await post(bindings, "/v1/device-session", viewer, token);
    expect(session.status).toBe(200);
    const joinsBefore = upstream.callsTo("/joinStorageSessionAsViewer").length;
    expect((await viewerJoin(token, "v2")).status).toBe(403);
    expect((await viewerJoin(token, "v1", CHANNELS.demoCamera2)).status).toBe(403);
    expect(
      (await post(bindings, "/joinStorageSession", { channelArn: CHANNELS.demoCamera }, token)).status,
    ).toBe(403);
    expect(upstream.callsTo("/joinStorageSessionAsViewer")).toHaveLength(joinsBefore);
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(0);
  });

  it("answers every refusal alike, so it cannot probe its tenant's other grants", async ({ expect }) => {
    const token = await tokenFor();
    const messageFor = async (channelArn: string) =>
      ((await (await viewerJoin(token, "v1", channelArn)).json()) as { message: string }).message;
    // demo-camera-2 is in acme's grants, other-camera is not: a token sees no difference
    expect(await messageFor(CHANNELS.demoCamera2)).toBe(await messageFor(CHANNELS.other));
  });

  it("stops working for a channel its tenant no longer grants", async ({ expect }) => {
    const token = await tokenFor();
    await putTenant(env, "acme", {
      channels: [{ accountId: "111122223333", region: "us-west-2", channelName: "demo-camera-2" }],
    });
    afterRecordCache();
    expect((await viewerJoin(token)).status).toBe(403);
  });

  it("expires, with 30 s of tolerance for drifting clocks", async ({ expect }) => {
    const token = await tokenFor({ ...viewer, ttlSeconds: 60 });
    vi.setSystemTime(START + 60_000 + 29_000);
    expect((await viewerJoin(token)).status).toBe(200);
    vi.setSystemTime(START + 60_000 + 30_000);
    expect((await viewerJoin(token)).status).toBe(401);
  });

  it("stops working when its tenant is disabled", async ({ expect }) => {
    const token = await tokenFor();
    await putTenant(env, "acme", { disabled: true });
    afterRecordCache();
    expect((await viewerJoin(token)).status).toBe(401);
  });

  it("outlives a rotation that keeps its key, and dies with the key", async ({ expect }) => {
    const token = await tokenFor();
    const rotated = await hashSecret("rotated-secret-0123456789abcdef");
    await putTenant(env, "acme", { keyHashes: [rotated, await hashSecret(secretFor("acme"))] });
    afterRecordCache();
    expect((await viewerJoin(token)).status).toBe(200);
    await putTenant(env, "acme", { keyHashes: [rotated] });
    afterRecordCache(2);
    expect((await viewerJoin(token)).status).toBe(401);
  });

  it("survives a rotation of the signing key while the previous key is listed", async ({ expect }) => {
    const token = await tokenFor();
    const newKey = "test-2:next-token-signing-key-0123456789abcdef";
    expect(
      (
        await viewerJoin(
          token,
          "v1",
          CHANNELS.demoCamera,
          testEnv({ TOKEN_SIGNING_KEYS: `${newKey},${TOKEN_KEY}` }),
        )
      ).status,
    ).toBe(200);
    expect(
      (await viewerJoin(token, "v1", CHANNELS.demoCamera, testEnv({ TOKEN_SIGNING_KEYS: newKey }))).status,
    ).toBe(401);
  });

  it("cannot reach another tenant's channel even when that channel is in its own grants' shape", async ({
    expect,
  }) => {
    // globex may use demo-camera*, acme may not use other-camera: acme's token names acme, whatever it asks
    await putTenant(env, "globex", {
      channels: [{ accountId: "444455556666", region: "eu-west-1", channelName: "other-camera" }],
    });
    const token = await tokenFor();
    expect((await viewerJoin(token, "v1", CHANNELS.other)).status).toBe(403);
    expect(upstream.calls.filter((call) => call.body.includes("other-camera"))).toHaveLength(0);
  });
});
