/** @module Section 1: the same signing loop on Node, Deno and Bun (child processes) and in workerd. */
import { bundle } from "../build/esbuild-bundle.ts";
import { runChild } from "../runtime/child-process.ts";
import { benchFile, bin, ROOT } from "../runtime/paths.ts";
import { startWorkerd } from "../runtime/workerd.ts";
import type { GroupResult, SigningPlan, SigningResult } from "./measure-signing.ts";
import { SIGNER_GROUPS, type SignerGroup } from "./signer-names.ts";

/** The runtimes, in the order the table shows them. */
export const SIGNING_RUNTIMES = ["node", "deno", "bun", "workerd"] as const;
export type SigningRuntime = (typeof SIGNING_RUNTIMES)[number];

/** One runtime's result, or why it has none. */
export type SigningOutcome =
  | { ok: true; result: SigningResult }
  | { ok: false; runtime: string; error: string };

const TIMEOUT_MS = 120_000;
// the workspace packages' TypeScript sources, not a build (their package.json exports)
const SOURCE = "--conditions=@kvs-webrtc-storage/source";

function commandFor(
  runtime: Exclude<SigningRuntime, "workerd">,
  plan: SigningPlan,
  group: SignerGroup,
): [string, string[]] {
  const entry = benchFile("signing/signing-main.ts");
  const args = [runtime, JSON.stringify(plan), group];
  switch (runtime) {
    case "node":
      return [process.execPath, [SOURCE, entry, ...args]];
    case "deno":
      return [
        bin("deno"),
        ["run", SOURCE, "--quiet", "--no-prompt", "--allow-read", "--allow-env", entry, ...args],
      ];
    case "bun":
      return [bin("bun"), [SOURCE, entry, ...args]];
  }
}

async function inProcess(
  runtime: Exclude<SigningRuntime, "workerd">,
  plan: SigningPlan,
  group: SignerGroup,
): Promise<GroupResult> {
  const [command, args] = commandFor(runtime, plan, group);
  const run = await runChild(command, args, { cwd: ROOT, timeoutMs: TIMEOUT_MS });
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  if (run.code !== 0 || !line.startsWith("{")) {
    throw new Error(
      `exit ${run.code}: ${(run.stderr || run.stdout).trim().split("\n").slice(-3).join(" | ")}`,
    );
  }
  return JSON.parse(line) as GroupResult;
}

async function inWorkerd(plan: SigningPlan, group: SignerGroup): Promise<GroupResult> {
  const code = await bundle(benchFile("signing/signing-worker.ts"), { target: "workerd", minify: false });
  const workerd = await startWorkerd([{ name: "signing", code }]);
  try {
    const query = `plan=${encodeURIComponent(JSON.stringify(plan))}&group=${group}`;
    const response = await fetch(`${workerd.url}/?${query}`);
    if (!response.ok) throw new Error(`workerd answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as GroupResult;
  } finally {
    await workerd.stop();
  }
}

// one runtime's groups, each measured in a fresh process or workerd, as one result
async function measureRuntime(runtime: SigningRuntime, plan: SigningPlan): Promise<SigningResult> {
  const groups: GroupResult[] = [];
  for (const group of Object.keys(SIGNER_GROUPS) as SignerGroup[]) {
    groups.push(runtime === "workerd" ? await inWorkerd(plan, group) : await inProcess(runtime, plan, group));
  }
  const [first] = groups;
  if (first === undefined) throw new Error("no signer group");
  const merged = {
    ...first,
    signers: Object.assign({}, ...groups.map((group) => group.signers)),
    ratioToAnchor: Object.assign({}, ...groups.map((group) => group.ratioToAnchor)),
  };
  return merged as SigningResult;
}

/**
 * Measures signing on every runtime, one after the other, so they never compete for the cores; each signer
 * group runs in a process (or workerd) of its own.
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
      outcomes.push({ ok: true, result: await measureRuntime(runtime, plan) });
    } catch (error) {
      outcomes.push({ ok: false, runtime, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
