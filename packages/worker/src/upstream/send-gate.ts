/**
 * @module Joins leave this isolate no faster than AWS can count them: a join goes only when the join a quota
 * before it, on its account and on its channel, was answered a full window ago.
 */
import { BoundedCache, parseChannelArn } from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";

const JOIN_PATHS = new Set(["/joinStorageSession", "/joinStorageSessionAsViewer"]);
// AWS's own window: the margin is the limiter's room for upstream time, which the answers here measure instead
const AWS_WINDOW_MS = 1000;

/** A join that entered the gate: when its answer came back (Infinity while it waits or is on its way). */
interface GatedJoin {
  answeredAt: number;
  /** When a join still unanswered is taken as answered: its request was cancelled without a word. */
  readonly givenUpAt: number;
}

/** The joins of one account's or channel's quota, in the order they entered. */
interface Lane {
  readonly quota: number;
  readonly joins: GatedJoin[];
}

// how often a join behind unanswered ones looks again: it goes a window after their answers, so this costs no time
const RECHECK_MS = 250;

/**
 * A `fetch` for core's client that holds a join until it cannot make AWS count more than the quota in one
 * second from this isolate, whatever the network and AWS's front did with the joins before it: a join reached
 * AWS between its send and its answer, so the one a quota later goes a window after that answer. The limiter
 * decides when joins may go for the whole account; this catches an isolate too busy to send them on time, and
 * an upstream slower to take them than the limiter's margin. A join given up while it waits (its signal aborts)
 * is never sent and holds nobody up.
 *
 * @example
 * createClient({ …, fetch: gatedFetch(config) });
 */
export function gatedFetch(config: Config): typeof fetch {
  const lanes = new BoundedCache<string, Lane>(4096);
  const laneOf = (key: string, quota: number): Lane => {
    let lane = lanes.get(key);
    if (lane === undefined) {
      lane = { quota, joins: [] };
      lanes.set(key, lane);
    }
    return lane;
  };
  // a request the runtime cancels runs no more code: past its upstream timeout, its join counts as answered
  const giveUpAfterMs = 2 * config.UPSTREAM_TIMEOUT_MS;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!JOIN_PATHS.has(url.pathname) || typeof init?.body !== "string") return fetch(input, init);
    const { channelArn } = JSON.parse(init.body) as { channelArn: string };
    const { arn, accountId, region } = parseChannelArn(channelArn);
    const gated = [
      laneOf(`${region}:${accountId}${url.pathname}`, config.ACCOUNT_JOIN_LIMIT_PER_SECOND),
      laneOf(`${arn}${url.pathname}`, config.JOIN_LIMIT_PER_SECOND),
    ];
    const join: GatedJoin = { answeredAt: Infinity, givenUpAt: Date.now() + giveUpAfterMs };
    for (const lane of gated) lane.joins.push(join);
    try {
      await untilFree(gated, join, init.signal ?? undefined);
      init.signal?.throwIfAborted();
    } catch (error) {
      for (const lane of gated) {
        const index = lane.joins.indexOf(join);
        if (index >= 0) lane.joins.splice(index, 1);
      }
      throw error;
    }
    // a join that failed on its way may still have reached AWS: it counts from the failure
    return fetch(input, init).finally(() => {
      join.answeredAt = Date.now();
    });
  };
}

// waits until no lane has a quota of joins ahead of `join` answered within the last window; only timers, since
// workerd cancels a request that waits on a promise another request would settle
async function untilFree(gated: Lane[], join: GatedJoin, signal: AbortSignal | undefined): Promise<void> {
  const options = signal ? { signal } : {};
  for (;;) {
    const nowMs = Date.now();
    const freeAt = Math.max(...gated.map((lane) => freeAtIn(lane, join, nowMs)));
    if (freeAt === Infinity) {
      await scheduler.wait(RECHECK_MS, options);
      continue;
    }
    // answers and joins given up only ever make it earlier: once this time comes, the join may go
    if (freeAt > nowMs) await scheduler.wait(freeAt - nowMs, options);
    return;
  }
}

const answerOf = (join: GatedJoin, nowMs: number) =>
  join.answeredAt === Infinity && join.givenUpAt <= nowMs ? join.givenUpAt : join.answeredAt;

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
