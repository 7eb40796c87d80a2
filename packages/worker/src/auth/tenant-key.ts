/** A tenant key as presented: `<keyId>.<secret>`, where the key id is the tenant id. */
export interface TenantKey {
  keyId: string;
  secret: string;
}

/** A key id, which is the tenant id: lower-case letters, digits and dashes. */
export const KEY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
// 22 base64url characters carry 132 bits: the floor for a key secret.
const SECRET = /^[A-Za-z0-9_-]{22,256}$/;
const SECRET_BYTES = 32;

/**
 * Whether a string can be a key id (tenant id): lower-case letters, digits and dashes.
 *
 * @example
 * ```ts
 * isKeyId("acme-cameras"); // true
 * ```
 */
export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/**
 * Extracts the tenant key from an `Authorization: Bearer <keyId>.<secret>` header.
 *
 * @example
 * ```ts
 * parseBearer("Bearer demo.local-demo-secret-not-for-production"); // { keyId: "demo", secret: "local-…" }
 * parseBearer("Basic Zm9vOmJhcg=="); // undefined
 * ```
 */
export function parseBearer(header: string | undefined): TenantKey | undefined {
  const match = /^Bearer +([^ .]+)\.([^ ]+)$/i.exec(header?.trim() ?? "");
  const [, keyId, secret] = match ?? [];
  if (keyId === undefined || secret === undefined || !KEY_ID.test(keyId) || !SECRET.test(secret))
    return undefined;
  return { keyId, secret };
}

/**
 * The stored form of a secret: its SHA-256 digest, base64url without padding.
 *
 * @example
 * ```ts
 * await hashSecret("local-demo-secret-not-for-production"); // 43 characters
 * ```
 */
export async function hashSecret(secret: string): Promise<string> {
  return toBase64Url(await secretDigest(secret));
}

/**
 * A secret's SHA-256 digest as bytes: what {@link hashSecret} encodes, and what a presented key is compared as.
 *
 * @example
 * ```ts
 * (await secretDigest("local-demo-secret-not-for-production")).length; // 32
 * ```
 */
export async function secretDigest(secret: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
}

/**
 * Creates a key with a 256-bit random secret. The key is shown once; only `secretHash` is stored.
 *
 * @example
 * ```ts
 * const { key, secretHash } = await generateTenantKey("acme");
 * // key: "acme.Q2…" (print once), secretHash: store in the registry
 * ```
 */
export async function generateTenantKey(keyId: string): Promise<{ key: string; secretHash: string }> {
  if (!KEY_ID.test(keyId)) throw new RangeError("key id must be lower-case letters, digits and dashes");
  const secret = toBase64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
  return { key: `${keyId}.${secret}`, secretHash: await hashSecret(secret) };
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
