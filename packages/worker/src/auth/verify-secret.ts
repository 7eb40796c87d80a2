import { secretDigest } from "./tenant-key.ts";

// Slots compared on every call, so timing does not reveal how many hashes a tenant has (or whether it exists).
const SLOTS = 2;
const DIGEST_BYTES = 32;

/**
 * Compares a presented secret with the stored hashes in constant time: both sides are equal-length
 * SHA-256 digests and every slot is compared, even for unknown tenants (pass `[]`).
 *
 * @example
 * ```ts
 * await secretMatches(key.secret, tenant?.keyHashes ?? []); // false for unknown tenants
 * ```
 */
export async function secretMatches(secret: string, storedHashes: readonly string[]): Promise<boolean> {
  const presented = await secretDigest(secret);
  let matched = false;
  for (let slot = 0; slot < SLOTS; slot++) {
    const stored = decodeDigest(storedHashes[slot]);
    const equal = crypto.subtle.timingSafeEqual(presented, stored ?? new Uint8Array(DIGEST_BYTES));
    matched = (equal && stored !== undefined) || matched;
  }
  return matched;
}

function decodeDigest(hash: string | undefined): Uint8Array | undefined {
  if (hash === undefined) return undefined;
  const bytes = fromBase64Url(hash);
  return bytes.length === DIGEST_BYTES ? bytes : undefined;
}

function fromBase64Url(value: string): Uint8Array {
  try {
    return Uint8Array.from(atob(value.replaceAll("-", "+").replaceAll("_", "/")), (char) =>
      char.charCodeAt(0),
    );
  } catch {
    return new Uint8Array(0);
  }
}
