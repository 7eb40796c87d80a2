import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** Where the registry lives: the local state `wrangler dev` uses, or the deployed namespace. */
export type KvTarget = "local" | "remote";

/** The repository root, where wrangler.toml and the local `.wrangler/state` live. */
export const ROOT = join(import.meta.dirname, "../../..");
/** wrangler's entry, run with this process's Node (npm scripts put Node 24 first on PATH). */
export const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
/** Keeps wrangler offline: no telemetry, no `Request.cf` download (toolchain notes). */
export const OFFLINE_WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const CONFIG = join(ROOT, "wrangler.toml");

/** The `TENANTS` namespace, reached through `wrangler kv key …`. */
export interface KvStore {
  get(key: string): unknown;
  put(key: string, value: string): void;
  list(prefix: string): string[];
}

/**
 * A KV store backed by wrangler, so local and remote namespaces are handled exactly as `wrangler dev`
 * and `wrangler deploy` see them. Values are records holding only hashes, never secrets.
 *
 * @example
 * ```ts
 * const kv = wranglerKv("local");
 * kv.put("tenant:demo", JSON.stringify(record));
 * ```
 */
export function wranglerKv(target: KvTarget, persistTo?: string): KvStore {
  // a local state directory of its own (tests), instead of the repository's .wrangler/state
  const state = target === "local" && persistTo !== undefined ? ["--persist-to", persistTo] : [];
  const run = (args: string[]): string => {
    const result = spawnSync(
      process.execPath,
      [WRANGLER, "kv", "key", ...args, "--binding", "TENANTS", "--config", CONFIG, `--${target}`, ...state],
      {
        encoding: "utf8",
        env: { ...process.env, ...OFFLINE_WRANGLER_ENV },
      },
    );
    if (result.status !== 0) {
      throw new Error(`wrangler kv key ${args[0]} failed:\n${result.stderr || result.stdout}`);
    }
    return result.stdout;
  };
  return {
    get(key) {
      try {
        return JSON.parse(run(["get", key]));
      } catch {
        // wrangler prints "Value not found" (exit 0) for a missing key.
        return undefined;
      }
    },
    put(key, value) {
      run(["put", key, value]);
    },
    list(prefix) {
      const names = JSON.parse(run(["list", "--prefix", prefix])) as { name: string }[];
      return names.map((entry) => entry.name);
    },
  };
}
