import fc from "fast-check";
import { describe, it } from "vitest";
import { parseCliOptions } from "./args.ts";

describe("parseCliOptions", () => {
  it("defaults to 8790 on 127.0.0.1, takes EMULATOR_PORT, and lets --port win", ({ expect }) => {
    expect(parseCliOptions([], {}, 8790)).toEqual({ port: 8790, host: "127.0.0.1", tls: false });
    expect(parseCliOptions([], { EMULATOR_PORT: "9100" }, 8790).port).toBe(9100);
    expect(parseCliOptions(["--port", "0"], { EMULATOR_PORT: "9100" }, 8790).port).toBe(0);
    expect(parseCliOptions(["--port=9200", "--host", "0.0.0.0"], {}, 8790)).toEqual({
      port: 9200,
      host: "0.0.0.0",
      tls: false,
    });
  });

  it("serves TLS on --tls or EMULATOR_TLS=1, keeping its CA where --tls-dir says", ({ expect }) => {
    expect(parseCliOptions(["--tls"], {}, 8790)).toMatchObject({ tls: true });
    expect(parseCliOptions([], { EMULATOR_TLS: "1" }, 8790)).toMatchObject({ tls: true });
    expect(parseCliOptions(["--tls", "--tls-dir", "/tmp/ca"], {}, 8790)).toMatchObject({
      tls: true,
      tlsDir: "/tmp/ca",
    });
    expect(() => parseCliOptions(["--tls-dir"], {}, 8790)).toThrow("--tls-dir needs a value");
    expect(() => parseCliOptions(["--tls-dir", "/tmp/ca"], {}, 8790)).toThrow("--tls-dir needs --tls");
    expect(parseCliOptions([], { EMULATOR_TLS: "true" }, 8790)).toMatchObject({ tls: true });
  });

  it("accepts every valid port and refuses everything else", ({ expect }) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65_535 }), (port) => {
        expect(parseCliOptions(["--port", String(port)], {}, 1).port).toBe(port);
      }),
    );
    for (const argv of [
      ["--port", "-1"],
      ["--port", "65536"],
      ["--port", "http"],
      ["--port"],
      ["--verbose"],
    ]) {
      expect(() => parseCliOptions(argv, {}, 8790)).toThrow();
    }
  });
});
