import { DurableObject } from "cloudflare:workers";
import { type BucketDecision, type BucketPolicy, type BucketState, decide, refund } from "./token-bucket.ts";

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
 * Token buckets for one key (a channel, an account, a key id or a client address), kept in the
 * object's SQLite storage and written on every decision, so eviction or a redeploy loses nothing.
 * It never calls AWS: a pending outbound fetch would keep the object (and its bill) alive.
 *
 * @example
 * ```ts
 * const limiter = env.LIMITER.getByName("channel:arn:aws:kinesisvideo:…");
 * const decision = await limiter.take("join", { quota: 2, windowSeconds: 1 });
 * ```
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
    if (row !== undefined) this.#write(bucket, refund(this.#state(row), policy, Date.now()), policy);
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
