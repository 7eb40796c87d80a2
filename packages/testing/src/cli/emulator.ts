#!/usr/bin/env node
import { demoDataSet, EMULATOR_PORT } from "../fixtures/demo-data.ts";
import { localTls } from "../server/local-tls.ts";
import { startEmulator } from "../server/start-emulator.ts";
import { parseCliOptions } from "./args.ts";
import { banner } from "./banner.ts";

/**
 * `npm run emulator`: the demo emulator on port 8790 (`--port N`, `EMULATOR_PORT`), over TLS with `--tls`, until
 * SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), process.env, EMULATOR_PORT);
  const dataSet = demoDataSet();
  const tls = options.tls ? await localTls(options.tlsDir) : undefined;
  const { port, host } = options;
  const running = await startEmulator({ port, host, dataSet, ...(tls === undefined ? {} : { tls }) }).catch(
    (error: unknown) => {
      const inUse = error instanceof Error && error.message.endsWith("is already in use");
      throw inUse ? new Error(`${error.message}: choose another with --port N or EMULATOR_PORT=N`) : error;
    },
  );
  console.log(banner(running.url, dataSet, tls));
  const stop = (signal: NodeJS.Signals) => {
    console.log(`\n${signal}: closing the emulator`);
    running.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
