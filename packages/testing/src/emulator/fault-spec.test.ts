import fc from "fast-check";
import { describe, it } from "vitest";
import { parseFaultSpec } from "./fault-spec.ts";

describe("parseFaultSpec", () => {
  it("never throws, and only accepts specs whose kind is known", ({ expect }) => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const result = parseFaultSpec(input);
        if (result.ok)
          expect(["latency", "hang", "server-error", "reset", "throttle"]).toContain(result.spec.kind);
      }),
    );
  });

  it("accepts every well-formed spec and keeps route and times", ({ expect }) => {
    const where = fc.record(
      { route: fc.constantFrom("*", "/joinStorageSession"), times: fc.integer({ min: 1, max: 9 }) },
      { requiredKeys: [] },
    );
    const kind = fc.oneof(
      fc.record({ kind: fc.constant("latency"), ms: fc.nat() }),
      fc.record({ kind: fc.constantFrom("hang", "reset", "throttle") }),
      fc.record({
        kind: fc.constant("server-error"),
        status: fc.integer({ min: 500, max: 599 }),
        body: fc.constantFrom("json", "html", "empty"),
      }),
    );
    fc.assert(
      fc.property(kind, where, (fault, placement) => {
        const spec = { ...fault, ...placement };
        expect(parseFaultSpec(spec)).toEqual({ ok: true, spec });
      }),
    );
  });
});
