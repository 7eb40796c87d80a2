/**
 * @module Joins leave this isolate no faster than AWS can count them: a join goes only when the join a quota
 * before it, on its account and on its channel, was answered a full window ago.
 */
import { BoundedCache, KvsError, parseChannelArn } from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";

const JOIN_PATHS = new Set(["/joinStorageSession", "/joinStorageSessionAsViewer"]);
// AWS's own window: the margin is the limiter's room for upstream time, which the answers here measure instead
const AWS_WINDOW_MS = 1000;
/** The longest a join waits here; core's timer allows it on top of `UPSTREAM_TIMEOUT_MS`. */
export const SEND_GATE_MAX_WAIT_MS = 2000;

/**
 * How long one upstream call may take in all: the wait here, then AWS's own `UPSTREAM_TIMEOUT_MS`.
 *
 * @example
 * createClient({ …, timeoutMs: upstreamCallMs(config), fetch: sendGateOf(config) });
 */
export const upstreamCallMs = (config: Config): number => config.UPSTREAM_TIMEOUT_MS + SEND_GATE_MAX_WAIT_MS;
// how often a join behind unanswered ones looks again: it goes a window after their answers, so this costs no time
const RECHECK_MS = 250;
// a join still unsent this long after it entered was cancelled while it waited: a busy isolate's timers fire
// hundreds of milliseconds late, never seconds
const FORGOTTEN_AFTER_MS = 2 * SEND_GATE_MAX_WAIT_MS;

/** A join that entered the gate: when its answer came back (Infinity while it waits or is on its way). */
interface GatedJoin {
  answeredAt: number;
  readonly enteredAt: number;
  sent: boolean;
  /** When a join sent and still unanswered counts as answered: its request was cancelled without a word. */
  readonly givenUpAt: number;
}

/** The joins of one account's or channel's quota, in the order they entered. */
interface Lane {
  readonly quota: number;
  readonly joins: GatedJoin[];
}

/**
 * A join the gate could not send within {@link SEND_GATE_MAX_WAIT_MS}: it never left, and may be asked again
 * after `retryAfterMs`. The gate fails core's call with a `ServiceUnavailable` `KvsError` caused by it, which core
 * passes on as it is (keeping the channel's endpoint cached, as a network error would not).
 */
export class JoinNotSent extends Error {
  override readonly name = "JoinNotSent";
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`The join could not be sent within ${SEND_GATE_MAX_WAIT_MS} ms; it was not sent`);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Whether `error` is the gate's {@link JoinNotSent}.
 *
 * @example
 * if (isKvsError(error) && isJoinNotSent(error.cause)) return fail({ kind: "join-not-sent", … });
 */
export const isJoinNotSent = (error: unknown): error is JoinNotSent =>
  error instanceof Error && error.name === "JoinNotSent";

const gates = new WeakMap<Config, typeof fetch>();

/**
 * The gate of a configuration, one per isolate: it holds a join until it cannot make AWS count more than the
 * quota in one second from this isolate, whatever the network and AWS's front did with the joins before it: a
 * join reached AWS between its send and its answer, so the one a quota later goes a window after that answer. The
 * limiter decides when joins may go for the whole account; this catches an isolate too busy to send them on
 * time, and an upstream slower to take them than the limiter's margin. A join given up while it waits (its signal
 * aborts) is never sent and holds nobody up; one that cannot go within 2 s is not sent ({@link JoinNotSent}).
 *
 * @example
 * createClient({ …, fetch: sendGateOf(config) });
 */
export function sendGateOf(config: Config): typeof fetch {
  let gate = gates.get(config);
  if (gate === undefined) {
    gate = createSendGate(config);
    gates.set(config, gate);
  }
  return gate;
}

function createSendGate(config: Config): typeof fetch {
  const lanes = new BoundedCache<string, Lane>(4096);
  const laneOf = (key: string, quota: number): Lane => {
    let lane = lanes.get(key);
    if (lane === undefined) {
      lane = { quota, joins: [] };
      lanes.set(key, lane);
    }
    return lane;
  };
  // core's timer for the whole call (gate and AWS) starts before the join enters: by then it is over, one way or
  // the other, and a join without an answer may still reach AWS until then
  const callMs = upstreamCallMs(config);
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!JOIN_PATHS.has(url.pathname) || typeof init?.body !== "string") return fetch(input, init);
    const { channelArn } = JSON.parse(init.body) as { channelArn: string };
    const { arn, accountId, region } = parseChannelArn(channelArn);
    const gated = [
      laneOf(`${region}:${accountId}${url.pathname}`, config.ACCOUNT_JOIN_LIMIT_PER_SECOND),
      laneOf(`${arn}${url.pathname}`, config.JOIN_LIMIT_PER_SECOND),
    ];
    const enteredAt = Date.now();
    const join: GatedJoin = {
      answeredAt: Infinity,
      enteredAt,
      sent: false,
      givenUpAt: enteredAt + 2 * callMs,
    };
    for (const lane of gated) lane.joins.push(join);
    try {
      await untilFree(gated, join, enteredAt + SEND_GATE_MAX_WAIT_MS, init.signal ?? undefined);
      init.signal?.throwIfAborted();
      // a timer that fired late: the joins behind already count this one as gone
      if (Date.now() > enteredAt + FORGOTTEN_AFTER_MS) throw new JoinNotSent(AWS_WINDOW_MS);
    } catch (error) {
      for (const lane of gated) {
        const index = lane.joins.indexOf(join);
        if (index >= 0) lane.joins.splice(index, 1);
      }
      if (!isJoinNotSent(error)) throw error;
      throw new KvsError("ServiceUnavailable", { message: error.message, cause: error });
    }
    join.sent = true;
    try {
      const response = await fetch(input, init);
      join.answeredAt = Date.now();
      return response;
    } catch (error) {
      // no answer: the join may still reach AWS for as long as core would have waited for it
      join.answeredAt = Math.max(Date.now(), enteredAt + callMs);
      throw error;
    }
  };
}

// waits until no lane has a quota of joins ahead of `join` answered within the last window; only timers, since
// workerd cancels a request that waits on a promise another request would settle
async function untilFree(
  gated: Lane[],
  join: GatedJoin,
  latestMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const options = signal ? { signal } : {};
  for (;;) {
    const nowMs = Date.now();
    const freeAt = Math.max(...gated.map((lane) => freeAtIn(lane, join, nowMs)));
    if (freeAt <= nowMs) return;
    if (freeAt > latestMs) {
      if (freeAt === Infinity && nowMs < latestMs) {
        await scheduler.wait(Math.min(RECHECK_MS, latestMs - nowMs), options);
        continue;
      }
      throw new JoinNotSent(freeAt === Infinity ? AWS_WINDOW_MS : freeAt - nowMs);
    }
    // answers and joins given up only ever make it earlier: once this time comes, the join may go
    await scheduler.wait(freeAt - nowMs, options);
    return;
  }
}

// a request the runtime cancels runs no more code: one cancelled while it waited here was never sent and counts
// for nothing once it would have left; one cancelled on its way counts as answered a whole call after its own end
function answerOf(join: GatedJoin, nowMs: number): number {
  if (join.answeredAt !== Infinity) return join.answeredAt;
  if (!join.sent) return join.enteredAt + FORGOTTEN_AFTER_MS < nowMs ? -Infinity : Infinity;
  return join.givenUpAt <= nowMs ? join.givenUpAt : Infinity;
}

// when `join` may go as far as this lane is concerned: a window after the quota-th latest answer ahead of it
// (Infinity: that one is not answered yet); joins a window past their answer are dropped for good
function freeAtIn(lane: Lane, join: GatedJoin, nowMs: number): number {
  const { joins, quota } = lane;
  let expired = 0;
  while (expired < joins.length && answerOf(joins[expired] as GatedJoin, nowMs) <= nowMs - AWS_WINDOW_MS) {
    expired++;
  }
  if (expired > 0) joins.splice(0, expired);
  // a join still waiting is never dropped (unanswered, it is not a window past anything): it is in the lane
  const ahead = joins.indexOf(join);
  if (ahead < quota) return nowMs;
  const answers = joins.slice(0, ahead).map((earlier) => answerOf(earlier, nowMs));
  answers.sort((a, b) => b - a);
  return (answers[quota - 1] as number) + AWS_WINDOW_MS;
}
