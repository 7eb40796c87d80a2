import { describe, it } from "vitest";
import { parseArgs, SECTIONS } from "./args.ts";

describe("parseArgs", () => {
  it("defaults to the full run of every section, chart in bench-results/", ({ expect }) => {
    expect(parseArgs([])).toEqual({
      quick: false,
      jsonPath: undefined,
      svgPath: "bench-results/latency.svg",
      sections: [...SECTIONS],
      help: false,
    });
  });

  it("puts the chart next to the JSON unless --svg says otherwise", ({ expect }) => {
    expect(parseArgs(["--json", "out/run.json"]).svgPath).toBe("out/run.latency.svg");
    expect(parseArgs(["--json=out/run"]).svgPath).toBe("out/run.latency.svg");
    expect(parseArgs(["--json", "a.json", "--svg", "b.svg"]).svgPath).toBe("b.svg");
  });

  it("reads --quick and --help in any position", ({ expect }) => {
    const args = parseArgs(["--json", "x.json", "--quick", "-h"]);
    expect(args.quick).toBe(true);
    expect(args.help).toBe(true);
    expect(args.jsonPath).toBe("x.json");
  });

  it("keeps --only sections in run order", ({ expect }) => {
    expect(parseArgs(["--only", "limiter,signing"]).sections).toEqual(["signing", "limiter"]);
    expect(parseArgs(["--only=bundle"]).sections).toEqual(["bundle"]);
  });

  it("refuses unknown options, unknown sections and missing values", ({ expect }) => {
    expect(() => parseArgs(["--fast"])).toThrow(/unknown option --fast/);
    expect(() => parseArgs(["--only", "signing,gpu"])).toThrow(RangeError);
    expect(() => parseArgs(["--json"])).toThrow(/--json needs a value/);
    expect(() => parseArgs(["--json", "--quick"])).toThrow(/--json needs a value/);
    expect(() => parseArgs(["--svg="])).toThrow(/--svg needs a value/);
  });
});
