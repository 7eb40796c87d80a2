/** What the `emulator` command was asked for. */
export interface CliOptions {
  readonly port: number;
  readonly host: string;
  /** Serve https:// and wss:// (`--tls` or `EMULATOR_TLS=1`), the CA and certificate kept in `tlsDir`. */
  readonly tls: boolean;
  readonly tlsDir?: string;
}

/**
 * Reads `--port N` / `--port=N` / `--host H` / `--tls` / `--tls-dir D` and the `EMULATOR_PORT` and `EMULATOR_TLS`
 * variables; flags win over the variables.
 *
 * @example
 * parseCliOptions(["--port", "9000"], {}, 8790); // { port: 9000, host: "127.0.0.1" }
 */
export function parseCliOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  defaultPort: number,
): CliOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--tls") {
      flags.set("--tls", "1");
      continue;
    }
    const [name = "", inline] = arg.split("=", 2);
    if (name !== "--port" && name !== "--host" && name !== "--tls-dir")
      throw new Error(`unknown argument: ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    flags.set(name, value);
  }
  const rawPort = flags.get("--port") ?? env.EMULATOR_PORT ?? String(defaultPort);
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid port: ${rawPort}`);
  const tls = ["1", "true"].includes(flags.get("--tls") ?? env.EMULATOR_TLS ?? "");
  const tlsDir = flags.get("--tls-dir");
  if (tlsDir !== undefined && !tls) throw new Error("--tls-dir needs --tls");
  return { port, host: flags.get("--host") ?? "127.0.0.1", tls, ...(tlsDir === undefined ? {} : { tlsDir }) };
}
