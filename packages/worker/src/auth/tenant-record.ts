import * as z from "zod/mini";
import { REGION } from "../config/variables.ts";
import { KEY_ID } from "./tenant-key.ts";

/** Signaling-channel roles a tenant may be granted. */
export const ROLES = ["MASTER", "VIEWER"] as const;

/** A signaling-channel role. */
export type Role = (typeof ROLES)[number];

const channelGrant = z.object({
  accountId: z.string().check(z.regex(/^\d{12}$/)),
  region: z.string().check(z.regex(REGION)),
  /** Channel-name glob: `*` matches any run of characters. */
  channelName: z.string().check(z.regex(/^[a-zA-Z0-9_.*-]{1,256}$/)),
});

const perSecond = z.optional(z.int().check(z.positive(), z.lte(1000)));

const tenantRecord = z.object({
  tenantId: z.string().check(z.regex(KEY_ID)),
  /** SHA-256 digests (base64url) of the current and, during rotation, the previous secret. */
  keyHashes: z.array(z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/))).check(z.minLength(1), z.maxLength(2)),
  channels: z.array(channelGrant),
  roles: z.array(z.enum(ROLES)),
  limits: z.optional(z.object({ joinPerSecond: perSecond, deviceSessionPerSecond: perSecond })),
  disabled: z.boolean(),
});

/** One tenant's registry entry, stored as JSON under `tenant:<tenantId>` in the `TENANTS` namespace. */
export type TenantRecord = z.infer<typeof tenantRecord>;

/** One allowed channel pattern: account, region and channel-name glob. */
export type ChannelGrant = TenantRecord["channels"][number];

/**
 * The registry key of a tenant.
 *
 * @example
 * ```ts
 * tenantStorageKey("demo"); // "tenant:demo"
 * ```
 */
export function tenantStorageKey(tenantId: string): string {
  return `tenant:${tenantId}`;
}

/**
 * Validates a stored record; anything malformed counts as no tenant at all.
 *
 * @example
 * ```ts
 * const tenant = parseTenantRecord(await env.TENANTS.get("tenant:demo", "json"));
 * ```
 */
export function parseTenantRecord(value: unknown): TenantRecord | undefined {
  const result = tenantRecord.safeParse(value);
  return result.success ? result.data : undefined;
}
