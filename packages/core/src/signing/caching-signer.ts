/** @module aws4fetch's SigV4 signer with the work that repeats across requests cached. */
import { AwsV4Signer } from "aws4fetch";
import { BoundedCache } from "./bounded-cache.ts";
import { sha256Hex } from "./sha256.ts";
import { signHex, signingKeyFor } from "./signing-key.ts";

// join bodies repeat (one per channel), so their hashes do too; larger bodies take aws4fetch's path every time
const bodyHashes = new BoundedCache<string, string>(1024);
export const MAX_CACHED_BODY_CHARS = 4096;

/** The hex SHA-256 of a short string body, cached. */
function bodyHashOf(body: string): string {
  let hash = bodyHashes.get(body);
  if (hash === undefined) {
    hash = sha256Hex(body);
    bodyHashes.set(body, hash);
  }
  return hash;
}

/**
 * `AwsV4Signer` keeps doing the canonicalisation; this subclass replaces only the crypto that repeats:
 * the day's signing key is derived once and kept as an imported `CryptoKey`, and short bodies are hashed once.
 */
export class CachingSigner extends AwsV4Signer {
  override async hexBodyHash(): Promise<string> {
    const body = this.body;
    if (
      typeof body !== "string" ||
      body.length > MAX_CACHED_BODY_CHARS ||
      this.headers.has("x-amz-content-sha256")
    ) {
      return super.hexBodyHash();
    }
    return bodyHashOf(body);
  }

  override async stringToSign(): Promise<string> {
    return `AWS4-HMAC-SHA256\n${this.datetime}\n${this.credentialString}\n${sha256Hex(await this.canonicalString())}`;
  }

  override async signature(): Promise<string> {
    const key = await signingKeyFor(
      this.secretAccessKey,
      this.datetime.slice(0, 8),
      this.region,
      this.service,
    );
    return signHex(key, await this.stringToSign());
  }
}
