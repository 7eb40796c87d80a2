/** @module The machine line: where and with what the figures were measured. */
import { readFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { runChild } from "../runtime/child-process.ts";
import { bin, ROOT } from "../runtime/paths.ts";

/** Hardware, runtime versions and date of one run. */
export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  deno: string;
  bun: string;
  workerd: string;
  date: string;
}

async function versionOf(command: string, pattern: RegExp): Promise<string> {
  try {
    const run = await runChild(command, ["--version"], { cwd: ROOT, timeoutMs: 20_000 });
    return pattern.exec(run.stdout)?.[1] ?? "unknown";
  } catch {
    return "unavailable";
  }
}

/**
 * Collects the machine line (versions of the runtimes the benchmark actually starts).
 *
 * @example
 * ```ts
 * formatMachine(await describeMachine()); // "2 × AMD EPYC · Node 24.21.0 · Deno 2.9.5 · …"
 * ```
 */
export async function describeMachine(): Promise<Machine> {
  const workerdPackage = JSON.parse(
    await readFile(join(ROOT, "node_modules/workerd/package.json"), "utf8"),
  ) as {
    version: string;
  };
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    node: process.versions.node,
    deno: await versionOf(bin("deno"), /deno (\S+)/),
    bun: await versionOf(bin("bun"), /^(\S+)/),
    workerd: workerdPackage.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

/**
 * One line for the table's footer.
 *
 * @example
 * ```ts
 * formatMachine(machine); // "machine: 2 cores, AMD EPYC · Node 24.21.0 · Deno 2.9.5 · Bun 1.4.5 · workerd 1.20261023.1 · 2026-11-22"
 * ```
 */
export function formatMachine(machine: Machine): string {
  return [
    `machine: ${machine.cores} cores, ${machine.cpu}`,
    `Node ${machine.node}`,
    `Deno ${machine.deno}`,
    `Bun ${machine.bun}`,
    `workerd ${machine.workerd}`,
    machine.date,
  ].join(" · ");
}
