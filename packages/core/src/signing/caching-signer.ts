/** @module aws4fetch's SigV4 signer with the two costs that repeat across requests cached. */
import { AwsV4Signer } from "aws4fetch";
import { BoundedCache } from "./bounded-cache.ts";

const encoder = new TextEncoder();
// one entry per (credential, day, region, service): bounded so many tenants cannot grow it without limit
const signingKeys = new BoundedCache<string, Promise<CryptoKey>>(128);
// join bodies repeat (one per channel), so their hashes do too; larger bodies are hashed every time
const bodyHashes = new BoundedCache<string, string>(512);
const MAX_CACHED_BODY_CHARS = 4096;

function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let hex = "";
  for (const byte of bytes) hex += (byte < 16 ? "0" : "") + byte.toString(16);
  return hex;
}

async function hmac(key: BufferSource, data: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(data));
}

async function deriveSigningKey(
  secret: string,
  date: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  const kDate = await hmac(encoder.encode(`AWS4${secret}`), date);
  const kRegion = await hmac(kDate, region);
  const kService = await hmac(kRegion, service);
  const kSigning = await hmac(kService, "aws4_request");
  return crypto.subtle.importKey("raw", kSigning, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

function signingKeyFor(secret: string, date: string, region: string, service: string): Promise<CryptoKey> {
  const cacheKey = `${date}\n${region}\n${service}\n${secret}`;
  let key = signingKeys.get(cacheKey);
  if (key === undefined) {
    key = deriveSigningKey(secret, date, region, service);
    signingKeys.set(cacheKey, key);
    // a failed derivation must not poison the cache for the rest of the day
    key.catch(() => signingKeys.delete(cacheKey));
  }
  return key;
}

/**
 * `AwsV4Signer` keeps doing the canonicalisation; this subclass replaces only the crypto that repeats:
 * the day's signing key is derived once and kept as an imported `CryptoKey`, and repeated bodies are hashed once.
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
    let hash = bodyHashes.get(body);
    if (hash === undefined) {
      hash = toHex(await crypto.subtle.digest("SHA-256", encoder.encode(body)));
      bodyHashes.set(body, hash);
    }
    return hash;
  }

  override async signature(): Promise<string> {
    const key = await signingKeyFor(
      this.secretAccessKey,
      this.datetime.slice(0, 8),
      this.region,
      this.service,
    );
    return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(await this.stringToSign())));
  }
}

/** `YYYYMMDDTHHMMSSZ`, the SigV4 timestamp. */
export function toAmzDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}
