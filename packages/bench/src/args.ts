/** @module Command-line options of `npm run bench`. */

/** The benchmark's sections, in the order they run and print. */
export const SECTIONS = ["signing", "bundle", "load", "limiter", "storm"] as const;
export type Section = (typeof SECTIONS)[number];

/** Parsed options. */
export interface BenchArgs {
  quick: boolean;
  /** Where to write the JSON figures, if anywhere. */
  jsonPath: string | undefined;
  /** Where to write the latency chart. */
  svgPath: string;
  sections: Section[];
  help: boolean;
}

/** What `--help` prints. */
export const USAGE = `usage: npm run bench [-- [--quick] [--json <file>] [--svg <file>] [--only <sections>]]

  --quick            fewer iterations (same table), under 60 s
  --json <file>      also write the figures as JSON; the chart goes next to it (<file>.latency.svg)
  --svg <file>       where to draw the latency chart (default bench-results/latency.svg)
  --only <sections>  comma-separated subset of ${SECTIONS.join(",")}`;

/**
 * Parses `process.argv.slice(2)`; throws a `RangeError` naming the problem on anything unknown.
 *
 * @example
 * ```ts
 * parseArgs(["--quick", "--json", "out/bench.json"]);
 * // { quick: true, jsonPath: "out/bench.json", svgPath: "out/bench.latency.svg", sections: [all four], help: false }
 * ```
 */
export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let help = false;
  let jsonPath: string | undefined;
  let svgPath: string | undefined;
  let sections: Section[] = [...SECTIONS];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg) : [arg, undefined];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === "" || (inline === undefined && next.startsWith("--"))) {
        throw new RangeError(`${flag} needs a value`);
      }
      return next;
    };
    if (flag === "--quick") quick = true;
    else if (flag === "--help" || flag === "-h") help = true;
    else if (flag === "--json") jsonPath = value();
    else if (flag === "--svg") svgPath = value();
    else if (flag === "--only") sections = parseSections(value());
    else throw new RangeError(`unknown option ${arg}`);
  }
  svgPath ??=
    jsonPath === undefined ? "bench-results/latency.svg" : `${jsonPath.replace(/\.json$/i, "")}.latency.svg`;
  return { quick, jsonPath, svgPath, sections, help };
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf("=");
  return [arg.slice(0, at), arg.slice(at + 1)];
}

function parseSections(list: string): Section[] {
  const names = list.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new RangeError(`--only takes ${SECTIONS.join(",")}; got ${list}`);
  }
  // Keep the fixed order whatever the order given.
  return SECTIONS.filter((section) => names.includes(section));
}
