import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
// README: the deployed proxy stays within 30 KiB gzipped; the bench reports the same figure against its anchor
const BUDGET_BYTES = 30 * 1024;

describe("the deployed proxy", () => {
  it("fits its 30 KiB gz budget, exactly as wrangler deploy would upload it", ({ expect }) => {
    const outdir = mkdtempSync(join(tmpdir(), "kvs-budget-"));
    try {
      const wrangler = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
      const run = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
      });
      expect(run.status, run.stderr).toBe(0);
      const gzipped = gzipSync(readFileSync(join(outdir, "worker.js"))).length;
      expect(gzipped, `${(gzipped / 1024).toFixed(1)} KiB gz`).toBeLessThanOrEqual(BUDGET_BYTES);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
