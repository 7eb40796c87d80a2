/** @module Where the repository, its tools and the benchmark's own files are. */
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * A file of the benchmark, by its path relative to `packages/bench/src/`.
 *
 * @example
 * ```ts
 * benchFile("signing/signing-main.ts");
 * ```
 */
export function benchFile(path: string): string {
  return fileURLToPath(new URL(`../${path}`, import.meta.url));
}

/**
 * An executable installed by npm (`node_modules/.bin`).
 *
 * @example
 * ```ts
 * bin("deno"); // "/…/node_modules/.bin/deno"
 * ```
 */
export function bin(name: string): string {
  return `${ROOT}node_modules/.bin/${name}`;
}
