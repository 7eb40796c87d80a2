/** @module The day's SigV4 signing key, derived once and kept as a non-extractable `CryptoKey`. */
import { BoundedCache } from "../utils/bounded-cache.ts";
import { HEX } from "./sha256.ts";

const encoder = new TextEncoder();
// one entry per (credential, day, region, service): bounded so many tenants cannot grow it without limit
const signingKeys = new BoundedCache<string, Promise<CryptoKey>>(128);

function toHex(buffer: ArrayBuffer): string {
  let hex = "";
  for (const byte of new Uint8Array(buffer)) hex += HEX[byte];
  return hex;
}

async function hmac(key: BufferSource, data: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(data));
}

async function derive(secret: string, date: string, region: string, service: string): Promise<CryptoKey> {
  const kDate = await hmac(encoder.encode(`AWS4${secret}`), date);
  const kRegion = await hmac(kDate, region);
  const kService = await hmac(kRegion, service);
  const kSigning = await hmac(kService, "aws4_request");
  return crypto.subtle.importKey("raw", kSigning, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** The signing key for `date` (YYYYMMDD), from the cache when this credential already signed that day. */
export function signingKeyFor(
  secret: string,
  date: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  const cacheKey = `${date}\n${region}\n${service}\n${secret}`;
  let key = signingKeys.get(cacheKey);
  if (key === undefined) {
    key = derive(secret, date, region, service);
    signingKeys.set(cacheKey, key);
    // a failed derivation must not poison the cache for the rest of the day
    key.catch(() => signingKeys.delete(cacheKey));
  }
  return key;
}

/** Hex HMAC-SHA256 of `data` under a signing key. */
export async function signHex(key: CryptoKey, data: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(data)));
}

/** `YYYYMMDDTHHMMSSZ`, the SigV4 timestamp. */
export function toAmzDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}
