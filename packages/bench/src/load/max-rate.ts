/** @module The search for the highest fixed rate a target sustains (pure: the probe is injected). */

/** One tried rate and whether the target sustained it. */
export interface RateProbe {
  rate: number;
  sustained: boolean;
}

/** How far to search: probes to bracket the answer, then bisection steps inside the bracket. */
export interface MaxRatePlan {
  estimate: number;
  maxBracketProbes: number;
  bisectSteps: number;
  /** Never probe below this rate (requests per second). */
  floor: number;
}

/**
 * Brackets the maximum sustainable rate starting from `estimate` (×1.5 up while sustained, ×0.5 down
 * while not), then bisects geometrically. Returns the highest sustained rate (0 if none) and every probe.
 *
 * @example
 * ```ts
 * const { rate } = await findMaxRate(async (r) => r <= 700, { estimate: 500, maxBracketProbes: 6, bisectSteps: 3, floor: 5 });
 * // 500 and 750 bracket it; bisection then lands between 612 and 700
 * ```
 */
export async function findMaxRate(
  probe: (rate: number) => Promise<boolean>,
  plan: MaxRatePlan,
): Promise<{ rate: number; probes: RateProbe[] }> {
  const probes: RateProbe[] = [];
  let good = 0;
  let bad = Number.POSITIVE_INFINITY;
  let rate = Math.max(plan.floor, plan.estimate);
  const tryRate = async (candidate: number) => {
    const sustained = await probe(candidate);
    probes.push({ rate: candidate, sustained });
    if (sustained) good = Math.max(good, candidate);
    else bad = Math.min(bad, candidate);
    return sustained;
  };
  for (let i = 0; i < plan.maxBracketProbes && (good === 0 || !Number.isFinite(bad)); i++) {
    const sustained = await tryRate(rate);
    if (!sustained && rate <= plan.floor) break;
    rate = sustained ? rate * 1.5 : Math.max(plan.floor, rate * 0.5);
  }
  for (let i = 0; i < plan.bisectSteps && good > 0 && Number.isFinite(bad); i++) {
    await tryRate(Math.sqrt(good * bad));
  }
  return { rate: good, probes };
}
