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
function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)"/g)];
  return found.map((match) => resolve(dirname(file), match[1] as string));
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
