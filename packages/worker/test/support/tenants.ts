import type { Env } from "../../src/env.ts";
import {
  hashSecret,
  ORIGIN_INDEX_KEY,
  originIndex,
  parseTenantRecord,
  type TenantRecord,
  tenantStorageKey,
} from "../../src/index.ts";

/** Demo channels as the emulator fixtures define them. */
export const CHANNELS = {
  demoCamera: "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000",
  demoCamera2: "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera-2/1700000000001",
  noStorage: "arn:aws:kinesisvideo:us-west-2:111122223333:channel/no-storage-camera/1700000000002",
  other: "arn:aws:kinesisvideo:eu-west-1:444455556666:channel/other-camera/1700000000003",
} as const;

/** Distinct per tenant, ≥ 22 base64url characters. */
export function secretFor(tenantId: string): string {
  return `${tenantId}-test-secret-0123456789abcdef`;
}

/** Stores a tenant (by default: demo-camera* in 111122223333/us-west-2, both roles) and returns its key. */
export async function putTenant(env: Env, tenantId: string, overrides: Partial<TenantRecord> = {}) {
  const record: TenantRecord = {
    tenantId,
    keyHashes: [await hashSecret(secretFor(tenantId))],
    channels: [{ accountId: "111122223333", region: "us-west-2", channelName: "demo-camera*" }],
    roles: ["MASTER", "VIEWER"],
    disabled: false,
    ...overrides,
  };
  await env.TENANTS.put(tenantStorageKey(tenantId), JSON.stringify(record));
  // as the tenant tool does: the preflight index follows every change of a tenant
  const names = (await env.TENANTS.list({ prefix: "tenant:" })).keys.map((key) => key.name);
  const records = await Promise.all(
    names.map(async (name) => parseTenantRecord(await env.TENANTS.get(name, "json"))),
  );
  await env.TENANTS.put(ORIGIN_INDEX_KEY, originIndex(records.filter((r) => r !== undefined)));
  return `${tenantId}.${secretFor(tenantId)}`;
}
