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
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (JOIN_PATHS.has(url.pathname) && typeof init?.body === "string") {
      const { channelArn } = JSON.parse(init.body) as { channelArn: string };
      const { arn, accountId, region } = parseChannelArn(channelArn);
      // decided and recorded before any await: concurrent joins each see the ones before them
      const nowMs = Date.now();
      const account = sentSince(sent, `${region}:${accountId}${url.pathname}`, nowMs - windowMs);
      const channel = sentSince(sent, `${arn}${url.pathname}`, nowMs - windowMs);
      // no spacing here: only the object sees every isolate's joins, and a delay it did not decide could put a join
      // into a second it gave to others; this isolate only keeps its own late joins from bunching beyond a quota
      let sendAt = nowMs;
      for (let from = -1; from !== sendAt; ) {
        from = sendAt;
        sendAt = firstFit(channel, channelPolicy, firstFit(account, accountPolicy, sendAt));
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

// adds `at` where it belongs among ascending `times`
function insertInOrder(times: number[], at: number): void {
  let index = times.push(at) - 1;
  for (; index > 0 && (times[index - 1] as number) > at; index--) times[index] = times[index - 1] as number;
  times[index] = at;
}
