const encoder = new TextEncoder();

/** SHA-256 of the empty payload, the body hash of GET requests and presigned URLs. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function hmac(key: string | ArrayBuffer, data: string): Promise<ArrayBuffer> {
  const raw = typeof key === "string" ? encoder.encode(key) : key;
  const cryptoKey = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(data));
}

/**
 * Lower-case hex SHA-256 of a string or bytes.
 *
 * @example
 * await sha256Hex(""); // EMPTY_SHA256
 */
export async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? encoder.encode(data) : data));
}

/** The parts of a credential scope a signing key is derived from. */
export interface SigningScope {
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/**
 * The hex SigV4 signature of a string to sign (task 3 and 4 of SigV4).
 *
 * @example
 * await signatureHex(secret, { date: "20150830", region: "us-east-1", service: "iam" }, sts);
 */
export async function signatureHex(secret: string, scope: SigningScope, toSign: string): Promise<string> {
  const kDate = await hmac(`AWS4${secret}`, scope.date);
  const kRegion = await hmac(kDate, scope.region);
  const kService = await hmac(kRegion, scope.service);
  const kSigning = await hmac(kService, "aws4_request");
  return toHex(await hmac(kSigning, toSign));
}

/**
 * Compares two strings without an early exit, so timing does not reveal the matching prefix.
 *
 * @example
 * constantTimeEqual(expected, provided);
 */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i % Math.max(b.length, 1));
  return diff === 0;
}
