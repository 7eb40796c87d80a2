/** @module What reached "AWS": the emulator's own call log, the trustworthy count of upstream throttles. */
import { setTimeout as sleep } from "node:timers/promises";

/** The part of an emulator call record this reads. */
export interface UpstreamCall {
  path: string;
  /** The request's JSON: a device's join always sends the same one (its channel, and a viewer's clientId). */
  body: string;
  status: number;
  errorCode: string | null;
}

/** Upstream calls of one run: the joins, and everything else the proxy called (endpoint discovery). */
export interface UpstreamCounts {
  joinCalls: number;
  /** Joins AWS (the emulator) refused with ClientLimitExceededException: the goal is none. */
  joinThrottles: number;
  otherCalls: number;
  otherThrottles: number;
  /** Devices (one path and body each) whose join AWS took more than once: a join repeated after it went. */
  joinedTwice: number;
}

/** The two join operations, which AWS counts apart. */
export const JOIN_PATHS: ReadonlySet<string> = new Set([
  "/joinStorageSession",
  "/joinStorageSessionAsViewer",
]);
const THROTTLE_CODES = new Set(["ClientLimitExceededException", "ThrottlingException"]);

/**
 * Counts upstream calls and throttles from the emulator's call log.
 *
 * @example
 * ```ts
 * countUpstream([{ path: "/joinStorageSession", status: 400, errorCode: "ClientLimitExceededException" }]);
 * // { joinCalls: 1, joinThrottles: 1, otherCalls: 0, otherThrottles: 0, joinedTwice: 0 }
 * ```
 */
export function countUpstream(calls: readonly UpstreamCall[]): UpstreamCounts {
  const counts: UpstreamCounts = {
    joinCalls: 0,
    joinThrottles: 0,
    otherCalls: 0,
    otherThrottles: 0,
    joinedTwice: 0,
  };
  const taken = new Map<string, number>();
  for (const call of calls) {
    const throttled = call.errorCode !== null && THROTTLE_CODES.has(call.errorCode);
    if (JOIN_PATHS.has(call.path)) {
      counts.joinCalls++;
      if (throttled) counts.joinThrottles++;
      const device = `${call.path} ${call.body}`;
      if (call.status === 200) taken.set(device, (taken.get(device) ?? 0) + 1);
    } else {
      counts.otherCalls++;
      if (throttled) counts.otherThrottles++;
    }
  }
  for (const times of taken.values()) if (times > 1) counts.joinedTwice++;
  return counts;
}

async function readCalls(emulatorOrigin: string): Promise<UpstreamCall[]> {
  const response = await fetch(`${emulatorOrigin}/_emulator/calls`);
  if (!response.ok) throw new Error(`the emulator's call log answered ${response.status}`);
  return (await response.json()) as UpstreamCall[];
}

/**
 * Reads the emulator's call log (`GET /_emulator/calls`) once it has stopped growing and counts it: the emulator
 * logs a call when it answers, so a call still waiting out an injected latency is logged that much later.
 *
 * @example
 * ```ts
 * const upstream = await readUpstreamCounts(emulator.url, 400);
 * ```
 */
export async function readUpstreamCounts(
  emulatorOrigin: string,
  answersWithinMs = 0,
): Promise<UpstreamCounts> {
  let calls = await readCalls(emulatorOrigin);
  for (;;) {
    await sleep(answersWithinMs + 250);
    const later = await readCalls(emulatorOrigin);
    if (later.length === calls.length) return countUpstream(later);
    calls = later;
  }
}

/**
 * Empties the emulator's call log (`DELETE /_emulator/calls`), so a run counts only its own calls.
 *
 * @example
 * ```ts
 * await clearUpstreamCalls(emulator.url);
 * ```
 */
export async function clearUpstreamCalls(emulatorOrigin: string): Promise<void> {
  const response = await fetch(`${emulatorOrigin}/_emulator/calls`, { method: "DELETE" });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`clearing the emulator's call log answered ${response.status}`);
}
