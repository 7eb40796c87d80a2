import { createServer } from "node:net";
import { describe, it } from "vitest";
import { assertPortsFree, parseStartPorts } from "./start-options.ts";

describe("npm start's ports", () => {
  it("take flags over the environment over the defaults", ({ expect }) => {
    expect(parseStartPorts([], {})).toEqual({
      proxyPort: 8787,
      emulatorPort: 8790,
      pagePort: 8800,
      tls: false,
    });
    expect(
      parseStartPorts(["--proxy-port", "9787", "--page-port=9800"], {
        EMULATOR_PORT: "9790",
        PROXY_PORT: "1",
      }),
    ).toEqual({ proxyPort: 9787, emulatorPort: 9790, pagePort: 9800, tls: false });
    expect(parseStartPorts(["--tls"], {}).tls).toBe(true);
    expect(parseStartPorts([], { EMULATOR_TLS: "1" }).tls).toBe(true);
  });

  it.for(["0", "65536", "80a", "-1", ""])(
    "refuse %j, naming the flag and the variable",
    (raw, { expect }) => {
      expect(() => parseStartPorts([], { PROXY_PORT: raw })).toThrow(
        `--proxy-port / PROXY_PORT: must be a port from 1 to 65535, not ${JSON.stringify(raw)}`,
      );
    },
  );

  it("refuse the same port twice", ({ expect }) => {
    expect(() => parseStartPorts(["--proxy-port", "8790"], {})).toThrow("must be three different ports");
  });

  it("refuse an unknown flag", ({ expect }) => {
    expect(() => parseStartPorts(["--port", "1"], {})).toThrow("--port");
  });

  it("name a port in use, what wanted it and how to choose another", async ({ expect }) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const address = taken.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const ports = { proxyPort: port, emulatorPort: port, pagePort: port, tls: false };
      await expect(assertPortsFree("127.0.0.1", ports)).rejects.toThrow(
        `port ${port} on 127.0.0.1 (the proxy) is already in use: choose another with --proxy-port N or PROXY_PORT=N`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    await expect(
      assertPortsFree("127.0.0.1", { proxyPort: port, emulatorPort: port, pagePort: port, tls: false }),
    ).resolves.toBeUndefined();
  });
});
