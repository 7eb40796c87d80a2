/** @module aws4fetch's SigV4 signer with the work that repeats across requests cached. */
import { AwsV4Signer } from "aws4fetch";
import { sha256Hex } from "./sha256.ts";
import { signHex, signingKeyFor } from "./signing-key.ts";

// bodies up to this size are hashed synchronously; larger ones are faster through Web Crypto
export const MAX_CACHED_BODY_CHARS = 4096;

/**
 * `AwsV4Signer` keeps doing the canonicalisation; this subclass replaces only the crypto that repeats:
 * the day's signing key is derived once and kept as an imported `CryptoKey`, and short bodies skip Web Crypto's
 * dispatch (the canonical-request template cache above this already hashes each request shape once).
 */
export class CachingSigner extends AwsV4Signer {
  override async hexBodyHash(): Promise<string> {
    // aws4fetch hashes a missing body as "" (presigned URLs have none)
    const body = this.body ?? "";
    if (
      typeof body !== "string" ||
      body.length > MAX_CACHED_BODY_CHARS ||
      this.headers.has("x-amz-content-sha256")
    ) {
      return super.hexBodyHash();
    }
    return sha256Hex(body);
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
