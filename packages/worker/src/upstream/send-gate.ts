/**
 * @module Joins leave this isolate no faster than AWS counts them: counted at the moment each is handed to
 * `fetch`, after signing, as late as the Worker can count it.
 */
import { BoundedCache, parseChannelArn } from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";
import { firstFit, type WindowPolicy } from "../limiter/windows.ts";

const JOIN_PATHS = new Set(["/joinStorageSession", "/joinStorageSessionAsViewer"]);

/**
 * A `fetch` for core's client that holds a join until it fits beside the joins this isolate sent before it: at
 * most the account's and the channel's quota in any window, as the limiter admitted them. The limiter decides
 * when a join may go; an isolate too busy to send it then (its slot's timer or its signing ran late) would
 * otherwise send it next to joins sent on time, and AWS counts joins by when they arrive.
 *
 * @example
 * createClient({ …, fetch: gatedFetch(config) });
 */
export function gatedFetch(config: Config): typeof fetch {
  const sent = new BoundedCache<string, number[]>(4096);
  const windowMs = 1000 + config.LIMIT_WINDOW_MARGIN_MS;
  const accountQuota = config.ACCOUNT_JOIN_LIMIT_PER_SECOND;
  const accountPolicy: WindowPolicy = { quota: accountQuota, windowMs };
  const channelPolicy: WindowPolicy = { quota: config.JOIN_LIMIT_PER_SECOND, windowMs };
  const spacing: WindowPolicy = { quota: 1, windowMs: windowMs / accountQuota };
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (JOIN_PATHS.has(url.pathname) && typeof init?.body === "string") {
      const { channelArn } = JSON.parse(init.body) as { channelArn: string };
      const { arn, accountId, region } = parseChannelArn(channelArn);
      // decided and recorded before any await: concurrent joins each see the ones before them
      const nowMs = Date.now();
      const account = sentSince(sent, `${region}:${accountId}${url.pathname}`, nowMs - windowMs);
      const channel = sentSince(sent, `${arn}${url.pathname}`, nowMs - windowMs);
      // and once the account's window is half full, a share of a window apart, whenever they woke: a busy isolate
      // runs the timers it could not run on time back to back, and its clock moves only between events
      let sendAt = nowMs;
      for (let from = -1; from !== sendAt; ) {
        from = sendAt;
        sendAt = firstFit(channel, channelPolicy, firstFit(account, accountPolicy, sendAt));
        if (countAfter(account, sendAt - windowMs) >= accountQuota / 2)
          sendAt = firstFit(account, spacing, sendAt);
      }
      insertInOrder(account, sendAt);
      insertInOrder(channel, sendAt);
      if (sendAt > nowMs) await scheduler.wait(sendAt - nowMs, init.signal ? { signal: init.signal } : {});
    }
    return fetch(input, init);
  };
}

// a key's send times (ascending) after `cutoffMs`, the older ones dropped in place: each key keeps one array for
// the isolate's life, where a fresh one per join would live a window and be promoted to the old generation
function sentSince(sent: BoundedCache<string, number[]>, key: string, cutoffMs: number): number[] {
  let times = sent.get(key);
  if (times === undefined) {
    times = [];
    sent.set(key, times);
  }
  let expired = 0;
  while (expired < times.length && (times[expired] as number) <= cutoffMs) expired++;
  if (expired > 0) times.splice(0, expired);
  return times;
}

// how many of `times` lie after `fromMs`
function countAfter(times: readonly number[], fromMs: number): number {
  let count = 0;
  for (let index = 0; index < times.length; index++) if ((times[index] as number) > fromMs) count++;
  return count;
}

// adds `at` where it belongs among ascending `times`
function insertInOrder(times: number[], at: number): void {
  let index = times.push(at) - 1;
  for (; index > 0 && (times[index - 1] as number) > at; index--) times[index] = times[index - 1] as number;
  times[index] = at;
}
