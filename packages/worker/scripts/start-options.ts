/**
 * @module `npm start`'s options: the ports of the proxy, the emulator and the demo page (flags win over the
 * environment), and the check that each is free before anything starts.
 */
import { createServer } from "node:net";
import { parseArgs } from "node:util";

/** The three ports `npm start` listens on, and whether its emulator serves TLS. */
export interface StartPorts {
  readonly proxyPort: number;
  readonly emulatorPort: number;
  readonly pagePort: number;
  readonly tls: boolean;
}

const PORTS = [
  { key: "proxyPort", option: "proxy-port", variable: "PROXY_PORT", fallback: 8787, what: "the proxy" },
  {
    key: "emulatorPort",
    option: "emulator-port",
    variable: "EMULATOR_PORT",
    fallback: 8790,
    what: "the emulator",
  },
  { key: "pagePort", option: "page-port", variable: "DEMO_PAGE_PORT", fallback: 8800, what: "the demo page" },
] as const;

/**
 * Reads `--proxy-port`, `--emulator-port` and `--page-port`, else `PROXY_PORT`, `EMULATOR_PORT` and
 * `DEMO_PAGE_PORT`, else 8787, 8790 and 8800; and `--tls` (or `EMULATOR_TLS=1`) for an emulator over TLS.
 *
 * @example
 * parseStartPorts(["--proxy-port", "9787"], { EMULATOR_PORT: "9790" }); // { proxyPort: 9787, emulatorPort: 9790, pagePort: 8800 }
 */
export function parseStartPorts(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StartPorts {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      "proxy-port": { type: "string" },
      "emulator-port": { type: "string" },
      "page-port": { type: "string" },
      tls: { type: "boolean" },
    },
  });
  const ports = {
    proxyPort: 0,
    emulatorPort: 0,
    pagePort: 0,
    tls: values.tls === true || ["1", "true"].includes(env.EMULATOR_TLS ?? ""),
  };
  for (const { key, option, variable, fallback } of PORTS) {
    const raw = values[option] ?? env[variable] ?? String(fallback);
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
      throw new Error(
        `--${option} / ${variable}: must be a port from 1 to 65535, not ${JSON.stringify(raw)}`,
      );
    }
    ports[key] = port;
  }
  if (new Set([ports.proxyPort, ports.emulatorPort, ports.pagePort]).size < 3) {
    throw new Error("--proxy-port, --emulator-port and --page-port must be three different ports");
  }
  return ports;
}

/**
 * Fails, naming the port, what wanted it and how to choose another, if any of the ports is taken on `host`.
 *
 * @example
 * await assertPortsFree("127.0.0.1", parseStartPorts([], process.env));
 */
export async function assertPortsFree(host: string, ports: StartPorts): Promise<void> {
  for (const { key, option, variable, what } of PORTS) {
    const port = ports[key];
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (!free) {
      throw new Error(
        `port ${port} on ${host} (${what}) is already in use: choose another with --${option} N or ${variable}=N`,
      );
    }
  }
}
