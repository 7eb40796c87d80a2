/** @module One esbuild call shared by the bundles the benchmark builds (wrangler's own esbuild copy). */
import { build } from "esbuild";

/** Where a bundle is meant to run. */
export type BundleTarget = "workerd" | "neutral" | "browser";

// the workspace packages' TypeScript sources come first, so nothing measured needs a build
const SOURCE = "@kvs-webrtc-storage/source";
const CONDITIONS: Record<BundleTarget, string[]> = {
  workerd: [SOURCE, "workerd", "worker", "browser"],
  neutral: [SOURCE, "worker", "browser"],
  browser: [SOURCE, "worker", "browser"],
};

/**
 * Bundles one entry into a single ES module and returns its text.
 *
 * @example
 * ```ts
 * const code = await bundle("packages/core/src/index.ts", { target: "neutral", minify: true });
 * ```
 */
export async function bundle(
  entry: string,
  options: { target: BundleTarget; minify: boolean },
): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    // Neutral has no default main fields; packages without `exports` still need resolving.
    platform: options.target === "neutral" ? "neutral" : "browser",
    mainFields: ["browser", "module", "main"],
    conditions: CONDITIONS[options.target],
    target: "es2023",
    // workerd provides these modules itself.
    external: options.target === "workerd" ? ["cloudflare:*"] : [],
    minify: options.minify,
    legalComments: "none",
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced nothing for ${entry}`);
  return output.text;
}
