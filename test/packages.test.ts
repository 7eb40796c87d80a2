/**
 * @module The published packages as users get them: core and the emulator packed (each pack builds dist/), linted
 * by publint and attw, installed into a project outside the repository, and used there on Node, Deno and Bun.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "node_modules/.bin");
const PUBLISHED = ["core", "testing"] as const;
// the pinned Node 24 first, as npm scripts have it
const env = { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}`, NO_COLOR: "1" };
const run = promisify(execFile);
const sh = (command: string, args: readonly string[], cwd: string) =>
  run(command, args, { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("package metadata", () => {
  const version = readJson(join(ROOT, "package.json")).version;

  it("every package, jsr.json and internal dependency carries the root version (npm run version:set)", () => {
    for (const name of readdirSync(join(ROOT, "packages"))) {
      const pkg = readJson(join(ROOT, "packages", name, "package.json"));
      expect(pkg.version, name).toBe(version);
      for (const field of ["dependencies", "devDependencies"]) {
        for (const [dep, spec] of Object.entries((pkg[field] ?? {}) as Record<string, string>)) {
          if (dep.startsWith("@kvs-webrtc-storage/")) expect(spec, `${name} → ${dep}`).toBe(version);
        }
      }
    }
    expect(readJson(join(ROOT, "packages/core/jsr.json")).version).toBe(version);
  });

  it("jsr.json exports core's source exactly where package.json's source condition points", () => {
    const exports = readJson(join(ROOT, "packages/core/package.json")).exports as Record<
      string,
      Record<string, string>
    >;
    const sources = Object.fromEntries(
      Object.entries(exports).map(([entry, conditions]) => [entry, conditions["@kvs-webrtc-storage/source"]]),
    );
    expect(readJson(join(ROOT, "packages/core/jsr.json")).exports).toEqual(sources);
  });
});

describe("JSR", () => {
  it("deno publish --dry-run accepts core's TypeScript source (no slow types)", async ({ expect }) => {
    const { stdout, stderr } = await sh(
      join(BIN, "deno"),
      ["publish", "--dry-run", "--allow-dirty"],
      join(ROOT, "packages/core"),
    );
    expect(`${stdout}${stderr}`).toContain("Dry run complete");
  });
});

describe("installed from the packed tarballs", () => {
  let work = "";
  let project = "";
  const tarballs: Record<string, string> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvs-packages-"));
    for (const name of PUBLISHED) {
      const { stdout } = await sh(
        "npm",
        ["pack", "--silent", "--pack-destination", work],
        join(ROOT, "packages", name),
      );
      tarballs[name] = join(work, stdout.trim().split("\n").at(-1) ?? "");
    }
    project = join(work, "project");
    await sh("mkdir", [project], work);
    const dependencies = Object.fromEntries(
      PUBLISHED.map((name) => [`@kvs-webrtc-storage/${name}`, `file:${tarballs[name]}`]),
    );
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "installed-smoke", private: true, type: "module", dependencies }),
    );
    await sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], project);
    // the cross-runtime suite itself, as a user's file: it imports the packages by name
    for (const file of ["runtime-smoke.ts", "smoke-main.ts"]) {
      copyFileSync(join(ROOT, "packages/core/test", file), join(project, file));
    }
    const viaNpm = readFileSync(join(project, "runtime-smoke.ts"), "utf8").replaceAll(
      'from "@kvs-webrtc-storage/',
      'from "npm:@kvs-webrtc-storage/',
    );
    writeFileSync(join(project, "runtime-smoke-npm.ts"), viaNpm);
    const main = readFileSync(join(project, "smoke-main.ts"), "utf8");
    writeFileSync(
      join(project, "smoke-main-npm.ts"),
      main.replace("./runtime-smoke.ts", "./runtime-smoke-npm.ts"),
    );
  }, 240_000);

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it.for(PUBLISHED)("%s passes publint (strict) and attw (ESM-only)", async (name, { expect }) => {
    await sh(join(BIN, "publint"), ["run", tarballs[name] ?? "", "--strict"], work);
    // attw exits non-zero on a problem; an ESM-only package only cannot serve node10 and require()
    const { stdout } = await sh(
      join(BIN, "attw"),
      [tarballs[name] ?? "", "--profile", "esm-only", "-f", "json"],
      work,
    );
    const { analysis } = JSON.parse(stdout) as { analysis: { problems: { resolutionKind?: string }[] } };
    const kinds = new Set(analysis.problems.map((problem) => problem.resolutionKind));
    expect([...kinds].filter((kind) => kind !== "node10" && kind !== "node16-cjs")).toEqual([]);
  });

  it("ships JavaScript, declarations and maps, and no test", async ({ expect }) => {
    const { stdout } = await sh("tar", ["-tzf", tarballs.core ?? ""], work);
    const files = stdout.split("\n");
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/index.d.ts");
    expect(files).toContain("package/dist/index.d.ts.map");
    expect(files.filter((file) => file.includes(".test."))).toEqual([]);
  });

  it.for([
    ["node", ["node", "smoke-main.ts"]],
    ["deno (node_modules)", ["deno", "run", "-A", "smoke-main.ts"]],
    ["deno (npm: specifiers)", ["deno", "run", "-A", "smoke-main-npm.ts"]],
    ["bun", ["bun", "smoke-main.ts"]],
  ] as const)("runs the core smoke suite on %s", async ([, [command, ...args]], { expect }) => {
    const { stdout } = await sh(join(BIN, command), args, project);
    expect(stdout).toMatch(/\b8 passed, 0 failed\s*$/);
  });

  it("npx kvs-emulator --port 0 serves, and answers a join signed by the installed core", async ({
    expect,
  }) => {
    // its own process group: npx runs the bin as a child, and stopping npx alone would leave the emulator running
    const emulator: ChildProcess = spawn("npx", ["--no-install", "kvs-emulator", "--port", "0"], {
      cwd: project,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(emulator, "exit");
    const lines = createInterface({ input: emulator.stdout ?? process.stdin });
    try {
      const first = await Promise.race([
        once(lines, "line").then(([line]) => String(line)),
        exited.then(([code]) => Promise.reject(new Error(`kvs-emulator exited (${code}) before serving`))),
      ]);
      const url = /listening on (http:\/\/\S+)/.exec(first)?.[1] ?? "";
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = `
        import { createClient } from "@kvs-webrtc-storage/core";
        import { DEMO_CHANNELS, DEMO_CREDENTIALS } from "@kvs-webrtc-storage/testing/fixtures";
        const kvs = createClient({ credentials: DEMO_CREDENTIALS.operator, controlPlaneEndpoint: process.argv[2] });
        const { requestId } = await kvs.joinStorageSession({ channelArn: DEMO_CHANNELS.demoCamera.arn });
        console.log("joined", requestId);`;
      writeFileSync(join(project, "join.mjs"), client);
      const { stdout } = await sh(join(BIN, "node"), ["join.mjs", url], project);
      expect(stdout).toMatch(/^joined [0-9a-f-]{36}\s*$/);
    } finally {
      lines.close();
      if (emulator.pid !== undefined && emulator.exitCode === null) process.kill(-emulator.pid, "SIGTERM");
      await exited;
    }
  });
});
