import {
  hashSecret,
  ORIGIN_INDEX_KEY,
  parseTenantRecord,
  tenantStorageKey,
} from "@kvs-webrtc-storage/worker";
import { Jwt } from "hono/utils/jwt";
import { describe, it } from "vitest";
import {
  addTenant,
  mintToken,
  parseGrant,
  rotateTenant,
  setDisabled,
  setOrigins,
} from "./tenant-commands.ts";
import type { KvStore } from "./wrangler-kv.ts";

const CHANNEL = "arn:aws:kinesisvideo:us-west-2:111122223333:channel/acme-cam/1700000000000";
const SIGNING_KEY = { kid: "k1", secret: "tool-test-signing-secret-0123456789abcdef" };

function memoryKv(): KvStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: (key) => (values.has(key) ? JSON.parse(values.get(key) ?? "") : undefined),
    put: (key, value) => void values.set(key, value),
    list: (prefix) => [...values.keys()].filter((key) => key.startsWith(prefix)),
  };
}

async function acme(kv = memoryKv()) {
  const key = await addTenant(kv, "acme", {
    channels: [parseGrant("111122223333/us-west-2/acme-*")],
    roles: ["VIEWER"],
    origins: ["https://app.acme.com"],
  });
  return { kv, key };
}

const record = (kv: KvStore) => parseTenantRecord(kv.get(tenantStorageKey("acme")));
const index = (kv: KvStore) => kv.get(ORIGIN_INDEX_KEY);

describe("channel grants", () => {
  it("default to the aws partition and must name the region's partition otherwise", ({ expect }) => {
    expect(parseGrant("111122223333/us-west-2/acme-*")).toEqual({
      accountId: "111122223333",
      region: "us-west-2",
      channelName: "acme-*",
    });
    expect(parseGrant("aws-cn/111122223333/cn-north-1/acme-*")).toEqual({
      partition: "aws-cn",
      accountId: "111122223333",
      region: "cn-north-1",
      channelName: "acme-*",
    });
    expect(() => parseGrant("111122223333/cn-north-1/acme-*")).toThrow(
      "region cn-north-1 is in partition aws-cn, not aws (write aws-cn/111122223333/cn-north-1/acme-*)",
    );
    expect(() => parseGrant("aws-cn/111122223333/us-west-2/acme-*")).toThrow(
      "region us-west-2 is in partition aws, not aws-cn",
    );
    expect(() => parseGrant("a/b/c/d/e")).toThrow(
      "expected [<partition>/]<account>/<region>/<channel-name glob>",
    );
  });
});

describe("origins", () => {
  it.for(["https://*.pages.dev", "https://*.github.io", "https://*.co.uk", "https://*.workers.dev:8443"])(
    "refuses %s: anyone can have a site there",
    async (origin, { expect }) => {
      const { kv } = await acme();
      expect(() => setOrigins(kv, "acme", [origin])).toThrow("anyone can have a site under");
      await expect(
        addTenant(kv, "beta", {
          channels: [parseGrant("111122223333/us-west-2/b-*")],
          roles: ["VIEWER"],
          origins: [origin],
        }),
      ).rejects.toThrow("anyone can have a site under");
    },
  );

  it("accepts a wildcard over the tenant's own domain", async ({ expect }) => {
    const { kv } = await acme();
    setOrigins(kv, "acme", ["https://*.acme.co.uk", "https://*.acme.pages.dev"]);
    expect(record(kv)?.origins).toEqual(["https://*.acme.co.uk", "https://*.acme.pages.dev"]);
  });
});

describe("the tenant tool", () => {
  it("adds a tenant holding only its key's hash, and indexes its origins", async ({ expect }) => {
    const { kv, key } = await acme();
    const [keyId, secret = ""] = key.split(".");
    expect(keyId).toBe("acme");
    expect(record(kv)?.keyHashes).toEqual([await hashSecret(secret)]);
    expect([...kv.values.values()].join()).not.toContain(secret);
    expect(index(kv)).toEqual(["https://app.acme.com"]);
    await expect(acme(kv)).rejects.toThrow("tenant acme already exists");
  });

  it("rotates keeping the previous key until the next rotation, or dropping it", async ({ expect }) => {
    const { kv } = await acme();
    const [first] = record(kv)?.keyHashes ?? [];
    await rotateTenant(kv, "acme", { dropPrevious: false });
    expect(record(kv)?.keyHashes).toHaveLength(2);
    expect(record(kv)?.keyHashes[1]).toBe(first);
    await rotateTenant(kv, "acme", { dropPrevious: true });
    expect(record(kv)?.keyHashes).toHaveLength(1);
    expect(record(kv)?.keyHashes).not.toContain(first);
  });

  it("takes a disabled tenant's origins out of the preflight index", async ({ expect }) => {
    const { kv } = await acme();
    setDisabled(kv, "acme", true);
    expect(index(kv)).toEqual([]);
    setDisabled(kv, "acme", false);
    expect(index(kv)).toEqual(["https://app.acme.com"]);
  });

  it.for(["https://*.com", "http://app.acme.com", "https://app.acme.com/"])(
    "refuses the origin pattern %j by name and changes nothing",
    async (pattern, { expect }) => {
      const { kv } = await acme();
      expect(() => setOrigins(kv, "acme", ["https://ok.acme.com", pattern])).toThrow(`--origin ${pattern}:`);
      expect(record(kv)?.origins).toEqual(["https://app.acme.com"]);
    },
  );

  it("mints a token within the tenant's grants and origins only", async ({ expect }) => {
    const { kv } = await acme();
    const grant = { channelArn: CHANNEL, role: "VIEWER", clientId: "v1" } as const;
    const { token } = await mintToken(
      kv,
      "acme",
      { ...grant, origin: "https://app.acme.com" },
      SIGNING_KEY,
      60,
    );
    const { header, payload } = Jwt.decode(token);
    expect(header.kid).toBe("k1");
    expect(payload).toMatchObject({ sub: "acme", channelArn: CHANNEL, origin: "https://app.acme.com" });
    expect(JSON.stringify(payload)).not.toContain(record(kv)?.keyHashes[0]?.slice(0, 8));
    await expect(mintToken(kv, "acme", { ...grant, role: "MASTER" }, SIGNING_KEY, 60)).rejects.toThrow();
    const other = CHANNEL.replace("acme-cam", "globex-cam");
    await expect(mintToken(kv, "acme", { ...grant, channelArn: other }, SIGNING_KEY, 60)).rejects.toThrow();
    await expect(
      mintToken(kv, "acme", { ...grant, origin: "https://evil.example" }, SIGNING_KEY, 60),
    ).rejects.toThrow("does not allow the origin https://evil.example");
    setDisabled(kv, "acme", true);
    await expect(mintToken(kv, "acme", grant, SIGNING_KEY, 60)).rejects.toThrow("tenant acme is disabled");
  });
});
