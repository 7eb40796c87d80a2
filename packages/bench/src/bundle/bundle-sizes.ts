/** @module Section 2: bundle sizes of the deployable proxy, of core alone, and of an SDK-based equivalent. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundle } from "../build/esbuild-bundle.ts";
import { type BundleSize, sizeOf } from "../build/sizes.ts";
import { runChild } from "../runtime/child-process.ts";
import { benchFile, ROOT } from "../runtime/paths.ts";

/** The three bundles, measured in one run. */
export interface BundleSizes {
  worker: BundleSize;
  core: BundleSize;
  sdkWorker: BundleSize;
}

/** Environment that keeps wrangler offline (shared toolchain notes, "Offline wrangler"). */
export const OFFLINE_WRANGLER_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

/**
 * The proxy exactly as `wrangler deploy` would upload it (root wrangler.toml, which sets `minify` and drops `keep_names`), built with
 * `--dry-run` into a temporary directory.
 *
 * @example
 * ```ts
 * const code = await wranglerWorkerBundle(); // ES module exporting the fetch handler and RateLimiter
 * ```
 */
export async function wranglerWorkerBundle(): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), "kvs-bench-bundle-"));
  try {
    const wrangler = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
    const args = [wrangler, "deploy", "--dry-run", "--outdir", outdir];
    const run = await runChild(process.execPath, [...args, "--config", join(ROOT, "wrangler.toml")], {
      cwd: ROOT,
      timeoutMs: 120_000,
      env: OFFLINE_WRANGLER_ENV,
    });
    if (run.code !== 0) throw new Error(`wrangler deploy --dry-run failed: ${run.stderr.trim().slice(-400)}`);
    return await readFile(join(outdir, "worker.js"), "utf8");
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/**
 * Measures the three bundles. Core alone is esbuild's platform-neutral bundle of its entry (conditions
 * worker/browser); the SDK fixture is bundled for the browser platform, which selects the SDK's
 * browser runtime config (fetch handler, Web Crypto SHA-256) that Workers use without nodejs_compat.
 *
 * @example
 * ```ts
 * const { worker, core, sdkWorker } = await measureBundles(await wranglerWorkerBundle());
 * ```
 */
export async function measureBundles(workerCode: string): Promise<BundleSizes> {
  const core = await bundle(join(ROOT, "packages/core/src/index.ts"), { target: "neutral", minify: true });
  const sdk = await bundle(benchFile("bundle/sdk-worker.ts"), { target: "browser", minify: true });
  return { worker: sizeOf(workerCode), core: sizeOf(core), sdkWorker: sizeOf(sdk) };
}
