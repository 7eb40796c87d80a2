import type { ChannelSeed } from "./data-set.ts";

/** The emulated HTTP operations that have TPS quotas; `master` and `viewer` are the two joins. */
export type LimitedOperation =
  | "master"
  | "viewer"
  | "get-ice-server-config"
  | "get-signaling-channel-endpoint"
  | "describe-signaling-channel"
  | "describe-media-storage-configuration"
  | "connect-as-master"
  | "connect-as-viewer";

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

/** Calls per second one operation admits, per channel (if it has such a quota) and per account and region. */
export interface OperationQuota {
  readonly perChannelTps: number | undefined;
  readonly perAccountTps: number;
}

/**
 * KVS's published TPS quotas (kvswebrtc-limits), per region as every AWS quota; soft ones at their defaults.
 *
 * @example
 * OPERATION_QUOTAS["get-ice-server-config"].perChannelTps; // 5
 */
export const OPERATION_QUOTAS: Readonly<Record<LimitedOperation, OperationQuota>> = {
  master: { perChannelTps: JOIN_LIMITS.perChannelTps, perAccountTps: JOIN_LIMITS.perAccountTps },
  viewer: { perChannelTps: JOIN_LIMITS.perChannelTps, perAccountTps: JOIN_LIMITS.perAccountTps },
  "get-ice-server-config": { perChannelTps: 5, perAccountTps: 100 },
  "get-signaling-channel-endpoint": { perChannelTps: undefined, perAccountTps: 300 },
  "describe-signaling-channel": { perChannelTps: 5, perAccountTps: 300 },
  "describe-media-storage-configuration": { perChannelTps: 5, perAccountTps: 50 },
  // the signaling WebSocket's handshakes: 3 per channel each; KVS publishes no account figure low enough to matter
  "connect-as-master": { perChannelTps: 3, perAccountTps: 10_000 },
  "connect-as-viewer": { perChannelTps: 3, perAccountTps: 10_000 },
};

/** Admission control driven by the emulator's clock. */
export interface OperationLimits {
  /** Counts a call against its operation's quotas if it fits under all of them; `false` means throttled. */
  admitCall(operation: LimitedOperation, channel: ChannelSeed, now: number): boolean;
  /** Admits a viewer to the channel's session; a client id already in the session always gets back in. */
  admitViewer(channel: ChannelSeed, clientId: string, now: number): boolean;
  clear(): void;
}

const WINDOW_MS = 1000;

/**
 * Creates the limits: sliding one-second windows per channel and per account and region (each operation
 * separately), and viewer sessions whose members expire after the idle window.
 *
 * @example
 * const limits = createOperationLimits();
 * limits.admitCall("master", channel, now); // true, true, then false within the same second
 */
export function createOperationLimits(): OperationLimits {
  const windows = new Map<string, number[]>();
  const sessions = new Map<string, Map<string, number>>();

  const recent = (key: string, now: number): number[] => {
    const kept = (windows.get(key) ?? []).filter((time) => time > now - WINDOW_MS);
    windows.set(key, kept);
    return kept;
  };

  return {
    admitCall: (operation, channel, now) => {
      const quota = OPERATION_QUOTAS[operation];
      const perAccount = recent(`${operation}|account|${channel.account}|${channel.region}`, now);
      const perChannel =
        quota.perChannelTps === undefined ? [] : recent(`${operation}|channel|${channel.arn}`, now);
      if (perAccount.length >= quota.perAccountTps) return false;
      if (quota.perChannelTps !== undefined && perChannel.length >= quota.perChannelTps) return false;
      perAccount.push(now);
      perChannel.push(now);
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
