import {
  DEMO_ACCOUNT,
  DEMO_CHANNELS,
  DEMO_REGION,
  DEMO_TENANT_KEY,
} from "@kvs-webrtc-storage/testing/fixtures";
import {
  hashSecret,
  ORIGIN_INDEX_KEY,
  originIndex,
  type TenantRecord,
  tenantStorageKey,
} from "@kvs-webrtc-storage/worker";
import type { KvStore } from "./wrangler-kv.ts";

/**
 * Writes the demo tenant (demo-camera* channels of the demo account, both roles) to a local registry.
 *
 * @example
 * ```ts
 * await seedDemoTenant(wranglerKv("local"));
 * ```
 */
export async function seedDemoTenant(kv: KvStore): Promise<void> {
  const [tenantId = "", secret = ""] = DEMO_TENANT_KEY.split(".");
  const record: TenantRecord = {
    tenantId,
    keyHashes: [await hashSecret(secret)],
    channels: [{ accountId: DEMO_ACCOUNT, region: DEMO_REGION, channelName: "demo-camera*" }],
    roles: ["MASTER", "VIEWER"],
    // the demo page, on any local port
    origins: ["http://127.0.0.1:*", "http://localhost:*"],
    disabled: false,
  };
  kv.put(tenantStorageKey(tenantId), JSON.stringify(record));
  kv.put(ORIGIN_INDEX_KEY, originIndex([record]));
}

/**
 * Ready-to-paste requests against a local proxy.
 *
 * @example
 * ```ts
 * console.log(demoCurl("http://127.0.0.1:8787"));
 * ```
 */
export function demoCurl(origin: string): string {
  const headers = `-H 'Authorization: Bearer ${DEMO_TENANT_KEY}' -H 'Content-Type: application/json'`;
  const arn = DEMO_CHANNELS.demoCamera.arn;
  return [
    `curl -i -X POST ${origin}/joinStorageSession ${headers} \\`,
    `  -d '{"channelArn":"${arn}"}'`,
    "",
    `curl -s -X POST ${origin}/v1/device-session ${headers} \\`,
    `  -d '{"channelArn":"${arn}","role":"VIEWER","clientId":"viewer-1"}'`,
    "",
    "# a device token for one viewer (the tenant's backend does this; the device gets only the token)",
    `TOKEN=$(curl -s -X POST ${origin}/v1/tokens ${headers} \\`,
    `  -d '{"channelArn":"${arn}","role":"VIEWER","clientId":"viewer-1","ttlSeconds":600}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')`,
    `curl -i -X POST ${origin}/joinStorageSessionAsViewer -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\`,
    `  -d '{"channelArn":"${arn}","clientId":"viewer-1"}'`,
  ].join("\n");
}
