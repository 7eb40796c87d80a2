/** @module The runtime-neutral measurement loop: identical code on Node, Deno, Bun and workerd. */
import { median } from "../stats.ts";
import { ANCHOR_OF, SIGNER_GROUPS, type SignerGroup, type SignerName } from "./signer-names.ts";
import { createSigners, smithySha256 } from "./signers.ts";

/** How long to measure; batches are sized so the coarsest clock (workerd's, 1 ms) stays accurate. */
export interface SigningPlan {
  rounds: number;
  batchesPerRound: number;
  batchMs: number;
  warmupMs: number;
}

/** What one runtime measured: per signer, the median µs/op and each round's median. */
export interface SigningResult {
  runtime: string;
  smithySha256: "webcrypto" | "js";
  signers: Record<SignerName, { medianUs: number; roundMediansUs: number[]; opsPerBatch: number }>;
  /** Per signer, the median over rounds of (its round median / its anchor's round median, `ANCHOR_OF`). */
  ratioToAnchor: Record<SignerName, number>;
}

/** What one group's run measured: its signers' part of a `SigningResult`. */
export type GroupResult = Omit<SigningResult, "signers" | "ratioToAnchor"> & {
  signers: Partial<SigningResult["signers"]>;
  ratioToAnchor: Partial<SigningResult["ratioToAnchor"]>;
};

/**
 * Warms every signer, then runs rounds in which the signers take turns batch by batch (the first
 * signer rotates each round), so slow drifts of the machine hit every signer alike.
 *
 * @example
 * ```ts
 * const parts = await measureSigning("node", { rounds: 9, batchesPerRound: 5, batchMs: 20, warmupMs: 300 }, "parts");
 * ```
 */
export async function measureSigning(
  runtime: string,
  plan: SigningPlan,
  group: SignerGroup,
): Promise<GroupResult> {
  const signers = createSigners().filter((signer) => SIGNER_GROUPS[group].includes(signer.name));
  let sink = 0;
  const opsPerBatch = new Map<SignerName, number>();
  // Signs for `ms` in small batches (workerd's clock only moves between them); returns ms per signature.
  const signFor = async (signer: (typeof signers)[number], ms: number) => {
    let ops = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (let i = 0; i < 20; i++) sink += (await signer.sign()) === undefined ? 0 : 1;
      ops += 20;
    }
    return Math.max(performance.now() - start, 1) / ops;
  };
  for (const signer of signers) {
    // The first half warms the JIT and the key caches; the second sizes the batches.
    await signFor(signer, plan.warmupMs / 2);
    const msPerOp = await signFor(signer, plan.warmupMs / 2);
    opsPerBatch.set(signer.name, Math.max(10, Math.ceil(plan.batchMs / msPerOp)));
  }
  const rounds = new Map<SignerName, number[]>(signers.map((s) => [s.name, []]));
  for (let round = 0; round < plan.rounds; round++) {
    const order = signers.map((_, i) => signers[(i + round) % signers.length]).filter((s) => s !== undefined);
    const batches = new Map<SignerName, number[]>(signers.map((s) => [s.name, []]));
    for (let batch = 0; batch < plan.batchesPerRound; batch++) {
      for (const signer of order) {
        const ops = opsPerBatch.get(signer.name) ?? 10;
        const start = performance.now();
        for (let i = 0; i < ops; i++) sink += (await signer.sign()) === undefined ? 0 : 1;
        batches.get(signer.name)?.push(((performance.now() - start) * 1000) / ops);
      }
    }
    for (const [name, values] of batches) rounds.get(name)?.push(median(values));
  }
  if (sink < 0) throw new Error("unreachable: keeps the signatures alive");
  const stats: GroupResult["signers"] = {};
  const ratioToAnchor: GroupResult["ratioToAnchor"] = {};
  for (const { name } of signers) {
    const roundMediansUs = rounds.get(name) ?? [];
    const anchorRounds = rounds.get(ANCHOR_OF[name]) ?? [];
    stats[name] = {
      medianUs: median(roundMediansUs),
      roundMediansUs,
      opsPerBatch: opsPerBatch.get(name) ?? 0,
    };
    ratioToAnchor[name] = median(roundMediansUs.map((value, i) => value / (anchorRounds[i] ?? Number.NaN)));
  }
  return { runtime, smithySha256: smithySha256(), signers: stats, ratioToAnchor };
}
