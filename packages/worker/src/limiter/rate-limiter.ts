/**
 * @module The limiter: one Durable Object per key (a channel, an AWS account, a key id or a client address)
 * holding token buckets in its SQLite storage, and the bucket math it runs (pure and clock-free).
 */
import { DurableObject } from "cloudflare:workers";

/** A bucket holding up to `quota` tokens that refills `quota` tokens every `windowSeconds`. */
export interface BucketPolicy {
  quota: number;
  windowSeconds: number;
}

/** What a bucket remembers between decisions. */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

/** The answer to one request for a token. */
export interface BucketDecision {
  allowed: boolean;
  /** Whole tokens left after this decision. */
  remaining: number;
  /** Milliseconds until one token is available again (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  fullInMs: number;
}

/**
 * Refills a bucket up to `nowMs` and, when `consume` is set, takes one token if one is there.
 * Pure and clock-free: the caller passes time, so it is testable and identical on every replica.
 *
 * @example
 * const { decision, state } = decide(undefined, { quota: 2, windowSeconds: 1 }, Date.now(), true);
 * decision.allowed; // true, and state.tokens === 1
 */
export function decide(
  previous: BucketState | undefined,
  policy: BucketPolicy,
  nowMs: number,
  consume: boolean,
): { decision: BucketDecision; state: BucketState } {
  const perMs = policy.quota / (policy.windowSeconds * 1000);
  // a clock that steps back must not mint tokens, so negative elapsed time counts as none
  const elapsedMs = previous === undefined ? 0 : Math.max(0, nowMs - previous.updatedAtMs);
  const refilled = Math.min(policy.quota, (previous?.tokens ?? policy.quota) + elapsedMs * perMs);
  const allowed = refilled >= 1;
  const tokens = allowed && consume ? refilled - 1 : refilled;
  const state = { tokens, updatedAtMs: Math.max(nowMs, previous?.updatedAtMs ?? nowMs) };
  return {
    decision: {
      allowed,
      remaining: Math.floor(tokens),
      retryAfterMs: allowed ? 0 : Math.ceil((1 - refilled) / perMs),
      fullInMs: Math.ceil((policy.quota - tokens) / perMs),
    },
    state,
  };
}

interface BucketRow extends Record<string, SqlStorageValue> {
  name: string;
  tokens: number;
  updated_at_ms: number;
  quota: number;
  window_seconds: number;
}

// Cleanup is housekeeping, not accounting: a missing row already means a full bucket.
const CLEANUP_INTERVAL_MS = 10 * 60_000;

/**
 * Token buckets for one key, kept in the object's SQLite storage and written on every decision, so eviction
 * or a redeploy loses nothing.
 * It never calls AWS: a pending outbound fetch would keep the object (and its bill) alive.
 *
 * @example
 * const limiter = env.LIMITER.getByName("channel:arn:aws:kinesisvideo:…");
 * const decision = await limiter.take("join", { quota: 2, windowSeconds: 1 });
 */
export class RateLimiter extends DurableObject {
  #sql: SqlStorage;
  // whether this instance knows a cleanup alarm is pending (read from storage once, then tracked here)
  #cleanupPending: boolean | undefined;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#createSchema();
  }

  /** Takes one token from `bucket` if it has one; the new state is stored either way. */
  async take(bucket: string, policy: BucketPolicy): Promise<BucketDecision> {
    checkPolicy(policy);
    const row = this.#read(bucket);
    const { decision, state } = decide(row && this.#state(row), policy, Date.now(), true);
    // Synchronous SQL with no await in between: the read-modify-write is one atomic step.
    this.#write(bucket, state, policy);
    await this.#scheduleCleanup();
    return decision;
  }

  /** Tells whether `bucket` has a token, without taking it. */
  peek(bucket: string, policy: BucketPolicy): BucketDecision {
    checkPolicy(policy);
    const row = this.#read(bucket);
    return decide(row && this.#state(row), policy, Date.now(), false).decision;
  }

  /** Returns a token taken for a request that a later limit then refused. */
  refund(bucket: string, policy: BucketPolicy): void {
    checkPolicy(policy);
    const row = this.#read(bucket);
    // No row means a full bucket: nothing to give back.
    if (row === undefined) return;
    const { state } = decide(this.#state(row), policy, Date.now(), false);
    this.#write(bucket, { ...state, tokens: Math.min(policy.quota, state.tokens + 1) }, policy);
  }

  /**
   * Drops buckets that have refilled, so idle keys (e.g. one-off client addresses) cost no storage. It runs
   * every few minutes while an object is in use, never per request: wiping and recreating the table on every
   * decision cost the proxy half its CPU under load.
   */
  override async alarm(): Promise<void> {
    this.#cleanupPending = false;
    const now = Date.now();
    for (const row of this.#sql.exec<BucketRow>("SELECT * FROM buckets").toArray()) {
      const policy = { quota: row.quota, windowSeconds: row.window_seconds };
      const { decision } = decide(this.#state(row), policy, now, false);
      if (decision.fullInMs <= 0) this.#sql.exec("DELETE FROM buckets WHERE name = ?", row.name);
    }
    const remaining = this.#sql.exec<{ count: number }>("SELECT COUNT(*) AS count FROM buckets").one().count;
    if (remaining > 0) {
      await this.#scheduleCleanup();
      return;
    }
    await this.ctx.storage.deleteAll();
    // deleteAll drops the table too, and this instance may serve more requests before it is evicted.
    this.#createSchema();
  }

  async #scheduleCleanup(): Promise<void> {
    this.#cleanupPending ??= (await this.ctx.storage.getAlarm()) !== null;
    if (this.#cleanupPending) return;
    this.#cleanupPending = true;
    await this.ctx.storage.setAlarm(Date.now() + CLEANUP_INTERVAL_MS);
  }

  #createSchema(): void {
    this.#sql.exec(
      `CREATE TABLE IF NOT EXISTS buckets (
        name TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at_ms INTEGER NOT NULL,
        quota REAL NOT NULL, window_seconds REAL NOT NULL)`,
    );
  }

  #read(bucket: string): BucketRow | undefined {
    return this.#sql.exec<BucketRow>("SELECT * FROM buckets WHERE name = ?", bucket).toArray()[0];
  }

  #write(bucket: string, state: BucketState, policy: BucketPolicy): void {
    this.#sql.exec(
      `INSERT INTO buckets (name, tokens, updated_at_ms, quota, window_seconds) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET tokens = excluded.tokens, updated_at_ms = excluded.updated_at_ms,
       quota = excluded.quota, window_seconds = excluded.window_seconds`,
      bucket,
      state.tokens,
      state.updatedAtMs,
      policy.quota,
      policy.windowSeconds,
    );
  }

  #state(row: BucketRow): BucketState {
    return { tokens: row.tokens, updatedAtMs: row.updated_at_ms };
  }
}

function checkPolicy(policy: BucketPolicy): void {
  if (!(policy.quota >= 1 && policy.windowSeconds > 0)) throw new RangeError("invalid bucket policy");
}
