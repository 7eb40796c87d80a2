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

interface JoinRow extends Record<string, SqlStorageValue> {
  at: number;
  tenant: string;
  channel: string;
}

// the longest join window (one second plus the largest margin) is far shorter: older admissions are history
const JOIN_HISTORY_MS = 10_000;

// Cleanup is housekeeping, not accounting: a missing row already means an empty window.
const CLEANUP_INTERVAL_MS = 10 * 60_000;

/**
 * Sliding windows for one key (an account's joins among them), kept in the object's SQLite storage and written
 * with every admission, so eviction or a redeploy loses none. Each method decides synchronously, before its first await: concurrent
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
  // an account's joins, loaded from storage once per instance; who asked lately is soft state, kept only here
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

  /** Decides one join against its channel's window and the account's fairly shared one (see `admitJoin`). */
  async join(bucket: string, request: JoinRequest, policy: WindowPolicy): Promise<JoinDecision> {
    checkPolicy(policy);
    const nowMs = Date.now();
    const { decision, state } = admitJoin(this.#joinsOf(bucket, nowMs), request, policy, nowMs);
    this.#joins.set(bucket, state);
    if (!decision.allowed) return decision;
    // one small row per admission, not the whole window: its cost does not grow with the account's limit
    const admission = state.admitted.at(-1);
    this.#sql.exec(
      "INSERT INTO joins (bucket, at, tenant, channel) VALUES (?, ?, ?, ?)",
      bucket,
      admission?.at ?? nowMs,
      request.tenant,
      request.channel,
    );
    await this.#scheduleCleanup();
    return decision;
  }

  #joinsOf(bucket: string, nowMs: number): AccountJoins {
    const known = this.#joins.get(bucket);
    if (known !== undefined) return known;
    const rows = this.#sql.exec<JoinRow>(
      "SELECT at, tenant, channel FROM joins WHERE bucket = ? AND at > ? ORDER BY at",
      bucket,
      nowMs - JOIN_HISTORY_MS,
    );
    return { admitted: rows.toArray(), asked: [] };
  }

  /**
   * Drops windows that have emptied, so idle keys (e.g. one-off client addresses) cost no storage. It runs
   * every few minutes while an object is in use, never per request.
   */
  override async alarm(): Promise<void> {
    this.#cleanupPending = false;
    // synchronous, so no request can be decided between the clean-up's steps
    const now = Date.now();
    this.#sql.exec("DELETE FROM windows WHERE expires_at_ms <= ?", now);
    this.#sql.exec("DELETE FROM joins WHERE at <= ?", now - JOIN_HISTORY_MS);
    const count = (table: string) =>
      this.#sql.exec<{ count: number }>(`SELECT COUNT(*) AS count FROM ${table}`).one().count;
    if (count("windows") + count("joins") > 0) await this.#scheduleCleanup();
  }

  async #scheduleCleanup(): Promise<void> {
    this.#cleanupPending ??= (await this.ctx.storage.getAlarm()) !== null;
    if (this.#cleanupPending) return;
    this.#cleanupPending = true;
    await this.ctx.storage.setAlarm(Date.now() + CLEANUP_INTERVAL_MS);
  }

  #createSchema(): void {
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS windows (name TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at_ms INTEGER NOT NULL)",
    );
    this.#sql.exec(
      `CREATE TABLE IF NOT EXISTS joins (bucket TEXT NOT NULL, at INTEGER NOT NULL, tenant TEXT NOT NULL, channel TEXT NOT NULL);
       CREATE INDEX IF NOT EXISTS joins_by_time ON joins (bucket, at)`,
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
