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
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (JOIN_PATHS.has(url.pathname) && typeof init?.body === "string") {
      const { channelArn } = JSON.parse(init.body) as { channelArn: string };
      const { arn, accountId, region } = parseChannelArn(channelArn);
      const windows: [string, WindowPolicy][] = [
        [`${region}:${accountId}${url.pathname}`, { quota: config.ACCOUNT_JOIN_LIMIT_PER_SECOND, windowMs }],
        [`${arn}${url.pathname}`, { quota: config.JOIN_LIMIT_PER_SECOND, windowMs }],
      ];
      // decided and recorded before any await: concurrent joins each see the ones before them
      const nowMs = Date.now();
      const recent = windows.map(([key, policy]) => {
        const times = (sent.get(key) ?? []).filter((time) => time > nowMs - windowMs);
        return { key, policy, times };
      });
      // and once the account's window is half full, a share of a window apart, whenever they woke: a busy isolate
      // runs the timers it could not run on time back to back, and its clock moves only between events
      const [account] = recent;
      const spacing = { quota: 1, windowMs: windowMs / config.ACCOUNT_JOIN_LIMIT_PER_SECOND };
      const halfFull = (at: number) =>
        (account?.times.filter((time) => time > at - windowMs).length ?? 0) >=
        config.ACCOUNT_JOIN_LIMIT_PER_SECOND / 2;
      let sendAt = nowMs;
      for (let from = -1; from !== sendAt; ) {
        from = sendAt;
        for (const { times, policy } of recent) sendAt = firstFit(times, policy, sendAt);
        if (account !== undefined && halfFull(sendAt)) sendAt = firstFit(account.times, spacing, sendAt);
      }
      for (const { key, times } of recent)
        sent.set(
          key,
          [...times, sendAt].sort((a, b) => a - b),
        );
      if (sendAt > nowMs) await scheduler.wait(sendAt - nowMs, init.signal ? { signal: init.signal } : {});
    }
    return fetch(input, init);
  };
}
