/**
 * @module `npm run version:set -- <version>`: the one way the repository's version changes. It writes the version
 * into the root and every workspace package.json, into jsr.json, and into the workspace packages' dependencies on
 * each other; `test/packages.test.ts` fails when any of them disagrees with the root package.json.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const version = process.argv[2] ?? "";
if (!SEMVER.test(version)) {
  console.error(
    `usage: npm run version:set -- <version>   (semver such as 0.2.0, not ${JSON.stringify(version)})`,
  );
  process.exit(2);
}

const update = (path: string, change: (json: Record<string, unknown>) => void) => {
  const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  change(json);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`${version}  ${path.slice(ROOT.length + 1)}`);
};

const packages = readdirSync(join(ROOT, "packages")).map((name) => join(ROOT, "packages", name));
for (const file of [join(ROOT, "package.json"), ...packages.map((dir) => join(dir, "package.json"))]) {
  update(file, (json) => {
    json.version = version;
    for (const field of ["dependencies", "devDependencies"]) {
      const deps = json[field] as Record<string, string> | undefined;
      for (const name of Object.keys(deps ?? {}))
        if (name.startsWith("@kvs-webrtc-storage/") && deps) deps[name] = version;
    }
  });
}
for (const dir of packages) {
  const jsr = join(dir, "jsr.json");
  if (readdirSync(dir).includes("jsr.json")) update(jsr, (json) => (json.version = version));
}
console.log("now run npm install, so package-lock.json records it, and add the version to CHANGELOG.md");
