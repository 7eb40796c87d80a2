/**
 * @module SHA-256 (FIPS 180-4) of short input, synchronously. Web Crypto's `digest` costs ~15 µs of dispatch per
 * call on Node and Deno, several times the hash itself for a ~400-byte canonical request; keyed work (HMAC) stays
 * in Web Crypto. Kept apart from sigv4.ts: a hash primitive is its own concept and doubles that file's length.
 */

const primes: number[] = [];
for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p)) primes.push(n);
// the first 32 bits of a fraction, as FIPS 180-4 derives its constants (a test checks them against the table)
const bits = (root: number) => ((root - Math.floor(root)) * 2 ** 32) | 0;
/** Round constants: the first 64 primes' cube roots. Int32Array: values above 2^31 would be boxed in V8. */
export const K = new Int32Array(primes.map((p) => bits(Math.cbrt(p))));
/** Initial hash value: the first 8 primes' square roots. */
export const INITIAL_STATE = primes.slice(0, 8).map((p) => bits(Math.sqrt(p)));
const encoder = new TextEncoder();
const words = new Int32Array(64);
const state = new Int32Array(8);
// reused between calls (hashing is synchronous, so no two calls overlap); grows for longer input
let buffer = new Uint8Array(1024);
let view = new DataView(buffer.buffer);

// Int32Array stores wrap to 32 bits, so sums stored into `words` and `state` need no `| 0`
function compress(offset: number): void {
  for (let i = 0; i < 16; i++) words[i] = view.getInt32(offset + i * 4);
  for (let i = 16; i < 64; i++) {
    const w15 = words[i - 15] as number;
    const w2 = words[i - 2] as number;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    words[i] = (words[i - 16] as number) + s0 + (words[i - 7] as number) + s1;
  }
  // indexed reads: destructuring a typed array goes through the iterator protocol on every block
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (words[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  (state[0] as number) += a;
  (state[1] as number) += b;
  (state[2] as number) += c;
  (state[3] as number) += d;
  (state[4] as number) += e;
  (state[5] as number) += f;
  (state[6] as number) += g;
  (state[7] as number) += h;
}

// hex digits are written as character codes and made one string: appending two digits at a time would build a
// chain of partial strings (one object per byte) before the whole is flattened
let hexCodes = new Uint8Array(64);
const DIGITS = new TextEncoder().encode("0123456789abcdef");
function writeHexByte(at: number, byte: number): void {
  hexCodes[at] = DIGITS[byte >>> 4] as number;
  hexCodes[at + 1] = DIGITS[byte & 15] as number;
}
const hexString = (length: number): string =>
  String.fromCharCode.apply(null, hexCodes.subarray(0, length) as unknown as number[]);

/** Lowercase hex of a digest or signature (at most 64 bytes: the digits are one call's arguments). */
export function toHex(bytes: Uint8Array): string {
  if (bytes.length > 64) throw new RangeError("toHex takes a digest or signature of at most 64 bytes");
  if (hexCodes.length < bytes.length * 2) hexCodes = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) writeHexByte(i * 2, bytes[i] as number);
  return hexString(bytes.length * 2);
}

/** Lowercase hex SHA-256 of `data`, or of the UTF-8 encoding of a string. */
export function sha256Hex(data: string | Uint8Array): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit, plus padding and the length field
  const needed = (typeof data === "string" ? data.length * 3 : data.length) + 72;
  if (buffer.length < needed) {
    buffer = new Uint8Array(needed * 2);
    view = new DataView(buffer.buffer);
  }
  let length = data.length;
  if (typeof data === "string") length = encoder.encodeInto(data, buffer).written;
  else buffer.set(data);
  const blocks = ((length + 8) >> 6) + 1;
  const end = blocks << 6;
  buffer[length] = 0x80;
  buffer.fill(0, length + 1, end - 4);
  // message length in bits, big-endian in the last 8 bytes (the upper 4 stay 0 below 512 MiB)
  view.setUint32(end - 4, length * 8);
  state.set(INITIAL_STATE);
  for (let offset = 0; offset < end; offset += 64) compress(offset);
  for (let i = 0; i < 8; i++) {
    const word = state[i] as number;
    for (let byte = 0; byte < 4; byte++) writeHexByte(i * 8 + byte * 2, (word >>> (24 - byte * 8)) & 0xff);
  }
  return hexString(64);
}
