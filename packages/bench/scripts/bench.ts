/** @module `npm run bench`: us against the anchors, side by side, in one run (see `--help`). */
import process from "node:process";
import { parseArgs, USAGE } from "../src/args.ts";
import { formatReport, writeOutputs } from "../src/report/output.ts";
import { runBench } from "../src/run-bench.ts";
import { cleanupAll } from "../src/runtime/cleanup.ts";

let args: ReturnType<typeof parseArgs>;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// Every server, workerd and child is stopped on Ctrl-C as well as on the way out.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping everything`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

try {
  const report = await runBench(args, (line) => console.error(line));
  console.log(formatReport(report));
  for (const path of await writeOutputs(report, args)) console.error(`bench: wrote ${path}`);
} finally {
  await cleanupAll();
}
