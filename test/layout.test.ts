/**
 * @module The repository's layout rules, checked on the sources: packages meet only through their entries,
 * the worker's concept folders import one way, and every `index.ts` only re-exports.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PACKAGES = join(ROOT, "packages");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      (entry) =>
        entry.isFile() && /\.(ts|mts)$/.test(entry.name) && !entry.parentPath.includes("node_modules"),
    )
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Relative module specifiers of `import`/`export … from` statements and dynamic imports. */
function relativeImports(file: string, { runtimeOnly = false } = {}): string[] {
  const text = readFileSync(file, "utf8");
  const found = [
    ...text.matchAll(
      /(\b(?:import|export)\s+type\b[^;]*?)?(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)"/g,
    ),
  ];
  // `import type` and `export type` are erased: only the other imports load a module at run time
  return found
    .filter((match) => !runtimeOnly || match[1] === undefined)
    .map((match) => resolve(dirname(file), match[2] as string));
}

/** Every cycle of the import graph of `files`, as lists of files. */
function importCycles(files: readonly string[]): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push(path.slice(path.indexOf(file)));
      return;
    }
    state.set(file, "open");
    for (const target of relativeImports(file)) if (files.includes(target)) visit(target, [...path, target]);
    state.set(file, "done");
  };
  for (const file of files) visit(file, [file]);
  return cycles;
}

const packageOf = (file: string) => relative(PACKAGES, file).split(sep)[0];

describe("repository layout", () => {
  const packages = readdirSync(PACKAGES);
  const files = packages.flatMap((name) => sources(join(PACKAGES, name)));

  it("no file imports another package's files by relative path", () => {
    const crossings = files.flatMap((file) =>
      relativeImports(file)
        .filter((target) => packageOf(target) !== packageOf(file))
        .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`),
    );
    expect(crossings).toEqual([]);
  });

  it("every index.ts only re-exports", () => {
    const indexes = files.filter((file) => file.endsWith(`${sep}index.ts`));
    expect(indexes.length).toBeGreaterThan(0);
    for (const file of indexes) {
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      const statements = code
        .split(";")
        .map((statement) => statement.trim())
        .filter(Boolean);
      for (const statement of statements)
        expect(statement, file).toMatch(/^export (?:type )?(?:\*|\{[\s\S]*\}) from "[^"]+"$/);
    }
  });

  it("no source file imports itself through a loop", () => {
    const cycles = importCycles(files.filter((file) => !file.endsWith(".test.ts")));
    expect(cycles.map((cycle) => cycle.map((file) => relative(ROOT, file)).join(" → "))).toEqual([]);
  });

  // 12 when the worker was regrouped (one room per concept); since then CORS for browser pages, the limiter's
  // counting (windows and fair shares, property-tested on their own), client addresses' failure budgets, the
  // scheduling of joins into future slots, the holding of a join until its slot and the counting of joins as they
  // leave for AWS each got their own room
  it("a join runs through at most 18 of the worker's files", () => {
    const src = join(PACKAGES, "worker", "src");
    // worker.ts wires the join's steps; the Durable Object answering its limiter calls runs for it too
    const roots = ["worker.ts", "limiter/rate-limiter.ts"].map((file) => join(src, file));
    // what worker.ts loads only for its other routes does not run for a join
    const otherRoutes = ["operations/device-session.ts", "operations/mint-token.ts", "config/healthz.ts"].map(
      (file) => join(src, file),
    );
    const reached = new Set<string>();
    const reach = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const target of relativeImports(file, { runtimeOnly: true })) {
        if (target.startsWith(src) && !otherRoutes.includes(target)) reach(target);
      }
    };
    for (const root of roots) reach(root);
    const onPath = [...reached].map((file) => relative(src, file)).sort();
    expect(onPath.length, onPath.join(", ")).toBeLessThanOrEqual(18);
  });

  it("the worker's folders import one way: no loop between folders", () => {
    const src = join(PACKAGES, "worker", "src");
    const folderOf = (file: string) => relative(src, dirname(file)) || ".";
    const edges = new Map<string, Set<string>>();
    for (const file of sources(src).filter((name) => !name.endsWith(".test.ts"))) {
      for (const target of relativeImports(file)) {
        if (!target.startsWith(src)) continue;
        const [from, to] = [folderOf(file), folderOf(target)];
        if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const reaches = (from: string, goal: string, seen = new Set<string>()): boolean =>
      [...(edges.get(from) ?? [])].some(
        (next) => next === goal || (!seen.has(next) && reaches(next, goal, seen.add(next))),
      );
    const loops = [...edges.keys()].filter((folder) => reaches(folder, folder));
    expect(edges.size).toBeGreaterThan(3);
    expect(loops).toEqual([]);
  });
});
