/** @module Byte counts of a bundle as shipped: minified, and gzip-compressed. */
import { gzipSync } from "node:zlib";

/** Sizes in bytes. */
export interface BundleSize {
  minifiedBytes: number;
  gzipBytes: number;
}

/**
 * Measures a bundle; gzip at zlib's default level, as wrangler reports its upload size.
 *
 * @example
 * ```ts
 * sizeOf("export default 1"); // { minifiedBytes: 16, gzipBytes: 36 }
 * ```
 */
export function sizeOf(code: string | Uint8Array): BundleSize {
  const bytes = typeof code === "string" ? new TextEncoder().encode(code) : code;
  return { minifiedBytes: bytes.byteLength, gzipBytes: gzipSync(bytes).byteLength };
}
