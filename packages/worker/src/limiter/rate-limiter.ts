/**
 * @module The limiter: one Durable Object per key (an AWS account and region, a channel, or a client address)
 * holding sliding windows in its SQLite storage; the counting itself is `windows.ts`.
 */
import { DurableObject } from "cloudflare:workers";
import {
  type AccountJoins,
  admitInWindow,
  admitJoin,
  type JoinDecision,
  type JoinRequest,
  type WindowDecision,
  type WindowPolicy,
} from "./windows.ts";

/** One window of an object: its name there and its policy. */
export interface WindowCheck {
  readonly bucket: string;
  readonly policy: WindowPolicy;
}

interface WindowRow extends Record<string, SqlStorageValue> {
  name: string;
  state: string;
  expires_at_ms: number;
}

// Cleanup is housekeeping, not accounting: a missing row already means an empty window.
const CLEANUP_INTERVAL_MS = 10 * 60_000;

/**
 * Sliding windows for one key, kept in the object's SQLite storage and written with every admission, so
 * eviction or a redeploy loses none. Each method decides synchronously, before its first await: concurrent
 * calls are decided one at a time, exactly. It never calls AWS: a pending outbound fetch would keep the object
 * (and its bill) alive.
 *
 * @example
 * const limiter = env.LIMITER.getByName("channel:arn:aws:kinesisvideo:…");
 * const [decision] = await limiter.take([{ bucket: "device-session:MASTER", policy: { quota: 3, windowMs: 1050 } }]);
 */
export class RateLimiter extends DurableObject {
  #sql: SqlStorage;
  // whether this instance knows a cleanup alarm is pending (read from storage once, then tracked here)
  #cleanupPending: boolean | undefined;
  // who asked lately is soft state: kept here between admissions, stored with each admission
  #joins = new Map<string, AccountJoins>();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#createSchema();
  }

  /** Admits into each window that has room (independently of the others), recording the admission. */
  async take(checks: readonly WindowCheck[]): Promise<WindowDecision[]> {
    const decisions = checks.map(({ bucket, policy }) => {
      checkPolicy(policy);
      const { decision, times } = admitInWindow(this.#read(bucket) ?? [], policy, Date.now(), true);
      if (decision.allowed) this.#write(bucket, times, (times.at(-1) ?? 0) + policy.windowMs);
      return decision;
    });
    await this.#scheduleCleanup();
    return decisions;
  }

  /** Tells whether each window has room, recording nothing. */
  peek(checks: readonly WindowCheck[]): WindowDecision[] {
    return checks.map(({ bucket, policy }) => {
      checkPolicy(policy);
      return admitInWindow(this.#read(bucket) ?? [], policy, Date.now(), false).decision;
    });
  }

  /** Decides one join against its channel's window and the account's fairly shared one (see `admitJoin`). */
  async join(bucket: string, request: JoinRequest, policy: WindowPolicy): Promise<JoinDecision> {
    checkPolicy(policy);
    if (!(request.channelQuota >= 1 && request.weight > 0)) throw new RangeError("invalid join request");
    const previous = this.#joins.get(bucket) ?? this.#read(bucket);
    const { decision, state } = admitJoin(previous, request, policy, Date.now());
    this.#joins.set(bucket, state);
    if (decision.allowed) {
      const newest = Math.max(...state.admitted.map((entry) => entry.at + policy.windowMs));
      const asked = Math.max(
        ...state.asked.flatMap((tenant) => tenant.times.map((t) => t + 2 * policy.windowMs)),
      );
      this.#write(bucket, state, Math.max(newest, asked));
      await this.#scheduleCleanup();
    }
    return decision;
  }

  /**
   * Drops windows that have emptied, so idle keys (e.g. one-off client addresses) cost no storage. It runs
   * every few minutes while an object is in use, never per request.
   */
  override async alarm(): Promise<void> {
    this.#cleanupPending = false;
    const now = Date.now();
    this.#sql.exec("DELETE FROM windows WHERE expires_at_ms <= ?", now);
    const remaining = this.#sql.exec<{ count: number }>("SELECT COUNT(*) AS count FROM windows").one().count;
    if (remaining > 0) {
      await this.#scheduleCleanup();
      return;
    }
    this.#joins.clear();
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
    // the token buckets of earlier versions: a sliding window starts empty, which their full buckets also were
    this.#sql.exec("DROP TABLE IF EXISTS buckets");
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS windows (name TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at_ms INTEGER NOT NULL)",
    );
  }

  #read<State>(bucket: string): State | undefined {
    const row = this.#sql.exec<WindowRow>("SELECT * FROM windows WHERE name = ?", bucket).toArray()[0];
    return row === undefined ? undefined : (JSON.parse(row.state) as State);
  }

  #write(bucket: string, state: unknown, expiresAtMs: number): void {
    this.#sql.exec(
      `INSERT INTO windows (name, state, expires_at_ms) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET state = excluded.state, expires_at_ms = excluded.expires_at_ms`,
      bucket,
      JSON.stringify(state),
      expiresAtMs,
    );
  }
}

function checkPolicy(policy: WindowPolicy): void {
  if (!(policy.quota >= 1 && policy.windowMs > 0)) throw new RangeError("invalid window policy");
}
