/** @module Section 1: the same signing loop on Node, Deno and Bun (child processes) and in workerd. */
import { bundle } from "../build/esbuild-bundle.ts";
import { runChild } from "../runtime/child-process.ts";
import { benchFile, bin, ROOT } from "../runtime/paths.ts";
import { startWorkerd } from "../runtime/workerd.ts";
import type { SigningPlan, SigningResult } from "./measure-signing.ts";

/** The runtimes, in the order the table shows them. */
export const SIGNING_RUNTIMES = ["node", "deno", "bun", "workerd"] as const;
export type SigningRuntime = (typeof SIGNING_RUNTIMES)[number];

/** One runtime's result, or why it has none. */
export type SigningOutcome =
  | { ok: true; result: SigningResult }
  | { ok: false; runtime: string; error: string };

const TIMEOUT_MS = 120_000;

function commandFor(runtime: Exclude<SigningRuntime, "workerd">, plan: SigningPlan): [string, string[]] {
  const entry = benchFile("signing/signing-main.ts");
  const args = [runtime, JSON.stringify(plan)];
  switch (runtime) {
    case "node":
      return [process.execPath, [entry, ...args]];
    case "deno":
      return [bin("deno"), ["run", "--quiet", "--no-prompt", "--allow-read", "--allow-env", entry, ...args]];
    case "bun":
      return [bin("bun"), [entry, ...args]];
  }
}

async function inProcess(
  runtime: Exclude<SigningRuntime, "workerd">,
  plan: SigningPlan,
): Promise<SigningResult> {
  const [command, args] = commandFor(runtime, plan);
  const run = await runChild(command, args, { cwd: ROOT, timeoutMs: TIMEOUT_MS });
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  if (run.code !== 0 || !line.startsWith("{")) {
    throw new Error(
      `exit ${run.code}: ${(run.stderr || run.stdout).trim().split("\n").slice(-3).join(" | ")}`,
    );
  }
  return JSON.parse(line) as SigningResult;
}

async function inWorkerd(plan: SigningPlan): Promise<SigningResult> {
  const code = await bundle(benchFile("signing/signing-worker.ts"), { target: "workerd", minify: false });
  const workerd = await startWorkerd([{ name: "signing", code }]);
  try {
    const response = await fetch(`${workerd.url}/?plan=${encodeURIComponent(JSON.stringify(plan))}`);
    if (!response.ok) throw new Error(`workerd answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as SigningResult;
  } finally {
    await workerd.stop();
  }
}

/**
 * Measures signing on every runtime, one after the other, so they never compete for the cores.
 *
 * @example
 * ```ts
 * const outcomes = await runSigning({ rounds: 9, batchesPerRound: 5, batchMs: 20, warmupMs: 600 });
 * ```
 */
export async function runSigning(plan: SigningPlan): Promise<SigningOutcome[]> {
  const outcomes: SigningOutcome[] = [];
  for (const runtime of SIGNING_RUNTIMES) {
    try {
      const result = runtime === "workerd" ? await inWorkerd(plan) : await inProcess(runtime, plan);
      outcomes.push({ ok: true, result });
    } catch (error) {
      outcomes.push({ ok: false, runtime, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
