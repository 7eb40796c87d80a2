/**
 * @module The limiter: one Durable Object per key (an AWS account and region, a channel, or a client address)
 * holding sliding windows in its SQLite storage; the counting itself is `windows.ts`.
 */
import { DurableObject } from "cloudflare:workers";
import {
  type AccountJoins,
  type JoinDecision,
  type JoinQueue,
  type JoinRequest,
  scheduleJoin,
} from "./join-schedule.ts";
import { admitInWindow, type WindowDecision, type WindowPolicy } from "./windows.ts";

/** One window of an object: its name there and its policy. */
export interface WindowCheck {
  readonly bucket: string;
  readonly policy: WindowPolicy;
}

interface WindowRow extends Record<string, SqlStorageValue> {
  name: string;
  state: string;
  expires: number;
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
  #admissions = 0;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#createSchema();
  }

  /** Admits into all the windows if each has room, recording the admission in each; otherwise in none. */
  async take(checks: readonly WindowCheck[]): Promise<WindowDecision[]> {
    const nowMs = Date.now();
    const results = checks.map(({ bucket, policy }) => {
      checkPolicy(policy);
      return { bucket, policy, ...admitInWindow(this.#read(bucket) ?? [], policy, nowMs, true) };
    });
    if (results.every(({ decision }) => decision.allowed)) {
      for (const { bucket, policy, times } of results)
        this.#write(bucket, times, (times.at(-1) ?? 0) + policy.windowMs);
      await this.#scheduleCleanup();
    }
    return results.map(({ decision }) => decision);
  }

  /**
   * Decides one join against its channel's window and the account's fairly shared one, reserving its slot when
   * it must wait for one (see `scheduleJoin`).
   */
  async join(
    bucket: string,
    request: JoinRequest,
    policy: WindowPolicy,
    queue: JoinQueue,
  ): Promise<JoinDecision> {
    // every quota and the weight at least 1: one that is not a number would switch its limit off
    checkPolicy({ ...policy, quota: Math.min(policy.quota, request.channelQuota, request.weight) });
    if (request.toldTurnAt !== undefined && !Number.isFinite(request.toldTurnAt)) {
      throw new TypeError("toldTurnAt must be a finite time");
    }
    const nowMs = Date.now();
    const { decision, state, slotAt } = scheduleJoin(
      this.#joinsOf(bucket, nowMs),
      request,
      policy,
      nowMs,
      queue,
    );
    this.#joins.set(bucket, state);
    if (slotAt === undefined) return decision;
    // one small row per admission, not the whole window: its cost does not grow with the account's limit
    this.#sql.exec("INSERT INTO joins VALUES (?, ?, ?, ?)", bucket, slotAt, request.tenant, request.channel);
    // history older than any window goes every 256 joins (by the index): the table stays ~10 s long, and a join
    // costs one write, not two (a second write per join cost the proxy a third of its throughput)
    if (++this.#admissions % 256 === 0) {
      this.#sql.exec("DELETE FROM joins WHERE bucket = ? AND at <= ?", bucket, nowMs - JOIN_HISTORY_MS);
    }
    await this.#scheduleCleanup();
    return decision;
  }

  /** Gives back a slot whose join was never sent (the first matching one, if any is left). */
  release(bucket: string, slotAt: number, channel: string): void {
    // read back from storage if the object restarted since the slot was given
    const state = this.#joinsOf(bucket, Date.now());
    const index = state.admitted.findIndex((entry) => entry.at === slotAt && entry.channel === channel);
    if (index < 0) return;
    this.#joins.set(bucket, { ...state, admitted: state.admitted.filter((_, at) => at !== index) });
    this.#sql.exec(
      "DELETE FROM joins WHERE rowid IN (SELECT rowid FROM joins WHERE bucket = ? AND at = ? AND channel = ? LIMIT 1)",
      bucket,
      slotAt,
      channel,
    );
  }

  #joinsOf(bucket: string, nowMs: number): AccountJoins {
    const known = this.#joins.get(bucket);
    if (known !== undefined) return known;
    const rows = this.#sql.exec<JoinRow>(
      "SELECT at, tenant, channel FROM joins WHERE bucket = ? AND at > ? ORDER BY at",
      bucket,
      nowMs - JOIN_HISTORY_MS,
    );
    return { admitted: rows.toArray(), asked: [], promised: [] };
  }

  /**
   * Drops what has expired, and once nothing is left the object's whole storage, so idle keys (e.g. one-off client
   * addresses) cost none: deleted rows alone leave an object's storage allocated. It runs every few minutes while
   * an object is in use, never per request.
   */
  override async alarm(): Promise<void> {
    this.#cleanupPending = false;
    const now = Date.now();
    this.#sql.exec("DELETE FROM windows WHERE expires <= ?", now);
    this.#sql.exec("DELETE FROM joins WHERE at <= ?", now - JOIN_HISTORY_MS);
    const count = (table: string) =>
      this.#sql.exec<{ count: number }>(`SELECT COUNT(*) AS count FROM ${table}`).one().count;
    if (count("windows") + count("joins") > 0) return this.#scheduleCleanup();
    this.#joins.clear();
    // the input gate holds every other call while storage is awaited: none can meet the missing tables
    await this.ctx.storage.deleteAll();
    this.#createSchema();
  }

  async #scheduleCleanup(): Promise<void> {
    this.#cleanupPending ??= (await this.ctx.storage.getAlarm()) !== null;
    if (this.#cleanupPending) return;
    this.#cleanupPending = true;
    await this.ctx.storage.setAlarm(Date.now() + CLEANUP_INTERVAL_MS);
  }

  #createSchema(): void {
    this.#sql.exec("CREATE TABLE IF NOT EXISTS windows (name TEXT PRIMARY KEY, state TEXT, expires INTEGER)");
    this.#sql.exec(
      `CREATE TABLE IF NOT EXISTS joins (bucket TEXT, at INTEGER, tenant TEXT, channel TEXT);
       CREATE INDEX IF NOT EXISTS joins_by_time ON joins (bucket, at)`,
    );
  }

  #read<State>(bucket: string): State | undefined {
    const row = this.#sql.exec<WindowRow>("SELECT * FROM windows WHERE name = ?", bucket).toArray()[0];
    return row === undefined ? undefined : (JSON.parse(row.state) as State);
  }

  #write(bucket: string, state: unknown, expiresAtMs: number): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO windows VALUES (?, ?, ?)",
      bucket,
      JSON.stringify(state),
      expiresAtMs,
    );
  }
}

function checkPolicy(policy: WindowPolicy): void {
  if (!(policy.quota >= 1 && policy.windowMs > 0)) throw new RangeError("invalid window policy");
}
