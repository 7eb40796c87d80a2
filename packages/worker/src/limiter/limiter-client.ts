import type { RateLimiter } from "./rate-limiter.ts";
import type { BucketDecision, BucketPolicy } from "./token-bucket.ts";

/** A decision, or why none could be had (the caller fails closed). */
export type LimiterOutcome = { ok: true; decision: BucketDecision } | { ok: false; detail: string };

/** One question for one limiter object: which object, which bucket, and whether to take a token. */
export interface LimiterCall {
  objectName: string;
  bucket: string;
  policy: BucketPolicy;
  consume: boolean;
}

/**
 * Gives back a token taken by `call`, best effort: a lost refund only makes the limit stricter.
 *
 * @example
 * ```ts
 * await refundToken(env.LIMITER, channelCall, 1000);
 * ```
 */
export async function refundToken(
  namespace: DurableObjectNamespace<RateLimiter>,
  call: LimiterCall,
  timeoutMs: number,
): Promise<void> {
  try {
    await beforeDeadline(
      namespace.getByName(call.objectName).refund(call.bucket, call.policy),
      AbortSignal.timeout(timeoutMs),
    );
  } catch {
    // Stricter is the safe direction.
  }
}

/**
 * Asks a limiter object for a decision within `timeoutMs`. A `.retryable` error is retried once on a
 * new stub (a broken stub fails forever); `.overloaded` errors never are, since retries feed the overload.
 *
 * @example
 * ```ts
 * const outcome = await askLimiter(env.LIMITER, { objectName: "channel:…", bucket: "join",
 *   policy: { quota: 2, windowSeconds: 1 }, consume: true }, 1000);
 * ```
 */
export async function askLimiter(
  namespace: DurableObjectNamespace<RateLimiter>,
  call: LimiterCall,
  timeoutMs: number,
): Promise<LimiterOutcome> {
  const deadline = AbortSignal.timeout(timeoutMs);
  for (let attempt = 1; ; attempt++) {
    try {
      const stub = namespace.getByName(call.objectName);
      const pending = call.consume
        ? stub.take(call.bucket, call.policy)
        : stub.peek(call.bucket, call.policy);
      return { ok: true, decision: await beforeDeadline(pending, deadline) };
    } catch (error) {
      if (deadline.aborted) return { ok: false, detail: "limiter timeout" };
      if (attempt > 1 || !isRetryable(error)) return { ok: false, detail: describe(error) };
    }
  }
}

function beforeDeadline<T>(pending: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (deadline.aborted) return reject(deadline.reason);
    const onAbort = (): void => reject(deadline.reason);
    deadline.addEventListener("abort", onAbort, { once: true });
    pending.then(resolve, reject).finally(() => deadline.removeEventListener("abort", onAbort));
  });
}

function isRetryable(error: unknown): boolean {
  return flag(error, "retryable") && !flag(error, "overloaded");
}

function flag(error: unknown, name: "retryable" | "overloaded"): boolean {
  return typeof error === "object" && error !== null && Reflect.get(error, name) === true;
}

function describe(error: unknown): string {
  if (flag(error, "overloaded")) return "limiter overloaded";
  return error instanceof Error ? `limiter error: ${error.name}` : "limiter error";
}
