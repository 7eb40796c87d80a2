/** @module The storm's arithmetic: the floor AWS's limits set, and what a run's devices add up to. */
import { percentile } from "../stats.ts";
import type { DeviceOutcome } from "./device-storm.ts";
import type { StormRole } from "./storm-fleet.ts";

/** AWS's default account quota of each join operation (JoinStorageSession, …AsViewer), per region. */
export const ACCOUNT_JOINS_PER_SECOND = 50;

/**
 * The fastest the fleet can join: AWS counts each join operation apart at 50/s per account, so the floor is
 * the slowest operation's devices ÷ 50, in seconds (masters and viewers proceed side by side).
 *
 * @example
 * ```ts
 * floorSeconds({ master: 1000, viewer: 1000 }); // 20
 * ```
 */
export function floorSeconds(
  devicesByRole: Readonly<Record<StormRole, number>>,
  perSecond: number = ACCOUNT_JOINS_PER_SECOND,
): number {
  return Math.max(devicesByRole.master, devicesByRole.viewer) / perSecond;
}

/**
 * How many devices join in each role.
 *
 * @example
 * ```ts
 * countRoles([{ role: "master" }, { role: "viewer" }, { role: "master" }]); // { master: 2, viewer: 1 }
 * ```
 */
export function countRoles(devices: readonly { role: StormRole }[]): Record<StormRole, number> {
  const counts: Record<StormRole, number> = { master: 0, viewer: 0 };
  for (const device of devices) counts[device.role]++;
  return counts;
}

/** What one run's devices add up to; a device that never joined makes completion and its percentiles ∞. */
export interface StormSummary {
  devices: number;
  joined: number;
  notJoined: number;
  /** Devices that stopped on an answer retrying cannot fix (a 4xx other than 429). */
  gaveUp: number;
  /** Storm start (the first device's scheduled start) to the last 200's end. */
  completionSeconds: number;
  floorSeconds: number;
  completionToFloor: number;
  requests: number;
  requestsPerDevice: number;
  /** Seconds from a device's first request's start to its 200's end. */
  timeToJoinSeconds: { p50: number; p90: number; p99: number; max: number };
}

/**
 * Sums up a run started at `startedAt` (`performance.now()` ms) against its floor.
 *
 * @example
 * ```ts
 * summarizeStorm(run.startedAt, run.devices, floorSeconds(countRoles(run.devices)));
 * ```
 */
export function summarizeStorm(
  startedAt: number,
  devices: readonly DeviceOutcome[],
  floor: number,
): StormSummary {
  const waits = devices
    .map((device) =>
      device.joinedAt === undefined
        ? Number.POSITIVE_INFINITY
        : (device.joinedAt - device.firstRequestAt) / 1000,
    )
    .sort((a, b) => a - b);
  const joined = devices.filter((device) => device.joinedAt !== undefined);
  const lastJoin = Math.max(startedAt, ...joined.map((device) => device.joinedAt ?? startedAt));
  const complete = joined.length === devices.length && devices.length > 0;
  const completionSeconds = complete ? (lastJoin - startedAt) / 1000 : Number.POSITIVE_INFINITY;
  const requests = devices.reduce((sum, device) => sum + device.requests, 0);
  return {
    devices: devices.length,
    joined: joined.length,
    notJoined: devices.length - joined.length,
    gaveUp: devices.filter((device) => device.gaveUp).length,
    completionSeconds,
    floorSeconds: floor,
    completionToFloor: floor > 0 ? completionSeconds / floor : Number.NaN,
    requests,
    requestsPerDevice: devices.length > 0 ? requests / devices.length : Number.NaN,
    timeToJoinSeconds: {
      p50: percentile(waits, 50),
      p90: percentile(waits, 90),
      p99: percentile(waits, 99),
      max: waits.at(-1) ?? Number.NaN,
    },
  };
}

/**
 * The hard deadline of one run: a multiple of the floor plus a fixed allowance, in ms.
 *
 * @example
 * ```ts
 * deadlineMs(20, { floorMultiple: 3, extraSeconds: 30 }); // 90_000
 * ```
 */
export function deadlineMs(floor: number, rule: { floorMultiple: number; extraSeconds: number }): number {
  return Math.round((floor * rule.floorMultiple + rule.extraSeconds) * 1000);
}
