import type { ChannelSeed } from "./data-set.ts";

/** Which join operation a call is: JoinStorageSession (master) or JoinStorageSessionAsViewer. */
export type JoinOperation = "master" | "viewer";

/**
 * KVS's published limits for the join operations.
 *
 * @example
 * for (let i = 0; i < JOIN_LIMITS.perChannelTps; i++) await join(); // the next one is throttled
 */
export const JOIN_LIMITS = {
  perChannelTps: 2,
  perAccountTps: 50,
  maxViewersPerSession: 3,
  viewerIdleMs: 60_000,
} as const;

/** Admission control for the join operations, driven by the emulator's clock. */
export interface JoinLimits {
  /** Counts a call against the TPS limits if it fits under both; `false` means throttled. */
  admitCall(operation: JoinOperation, channel: ChannelSeed, now: number): boolean;
  /** Admits a viewer to the channel's session; a client id already in the session always gets back in. */
  admitViewer(channel: ChannelSeed, clientId: string, now: number): boolean;
  clear(): void;
}

const WINDOW_MS = 1000;

/**
 * Creates the join limits: sliding one-second windows per channel and per account (each operation
 * separately), and viewer sessions whose members expire after the idle window.
 *
 * @example
 * const limits = createJoinLimits();
 * limits.admitCall("master", channel, now); // true, true, then false within the same second
 */
export function createJoinLimits(): JoinLimits {
  const windows = new Map<string, number[]>();
  const sessions = new Map<string, Map<string, number>>();

  const recent = (key: string, now: number): number[] => {
    const kept = (windows.get(key) ?? []).filter((time) => time > now - WINDOW_MS);
    windows.set(key, kept);
    return kept;
  };

  return {
    admitCall: (operation, channel, now) => {
      const perChannel = recent(`${operation}|channel|${channel.arn}`, now);
      const perAccount = recent(`${operation}|account|${channel.account}`, now);
      if (perChannel.length >= JOIN_LIMITS.perChannelTps || perAccount.length >= JOIN_LIMITS.perAccountTps) {
        return false;
      }
      perChannel.push(now);
      perAccount.push(now);
      return true;
    },
    admitViewer: (channel, clientId, now) => {
      const viewers = sessions.get(channel.arn) ?? new Map<string, number>();
      sessions.set(channel.arn, viewers);
      for (const [id, lastJoin] of viewers) {
        if (lastJoin <= now - JOIN_LIMITS.viewerIdleMs) viewers.delete(id);
      }
      if (!viewers.has(clientId) && viewers.size >= JOIN_LIMITS.maxViewersPerSession) return false;
      viewers.set(clientId, now);
      return true;
    },
    clear: () => {
      windows.clear();
      sessions.clear();
    },
  };
}
