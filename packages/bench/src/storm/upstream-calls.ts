/** @module What reached "AWS": the emulator's own call log, the trustworthy count of upstream throttles. */

/** The part of an emulator call record this reads. */
export interface UpstreamCall {
  path: string;
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
}

const JOIN_PATHS = new Set(["/joinStorageSession", "/joinStorageSessionAsViewer"]);
const THROTTLE_CODES = new Set(["ClientLimitExceededException", "ThrottlingException"]);

/**
 * Counts upstream calls and throttles from the emulator's call log.
 *
 * @example
 * ```ts
 * countUpstream([{ path: "/joinStorageSession", status: 400, errorCode: "ClientLimitExceededException" }]);
 * // { joinCalls: 1, joinThrottles: 1, otherCalls: 0, otherThrottles: 0 }
 * ```
 */
export function countUpstream(calls: readonly UpstreamCall[]): UpstreamCounts {
  const counts: UpstreamCounts = { joinCalls: 0, joinThrottles: 0, otherCalls: 0, otherThrottles: 0 };
  for (const call of calls) {
    const throttled = call.errorCode !== null && THROTTLE_CODES.has(call.errorCode);
    if (JOIN_PATHS.has(call.path)) {
      counts.joinCalls++;
      if (throttled) counts.joinThrottles++;
    } else {
      counts.otherCalls++;
      if (throttled) counts.otherThrottles++;
    }
  }
  return counts;
}

/**
 * Reads the emulator's call log (`GET /_emulator/calls`) and counts it.
 *
 * @example
 * ```ts
 * const upstream = await readUpstreamCounts(emulator.url);
 * ```
 */
export async function readUpstreamCounts(emulatorOrigin: string): Promise<UpstreamCounts> {
  const response = await fetch(`${emulatorOrigin}/_emulator/calls`);
  if (!response.ok) throw new Error(`the emulator's call log answered ${response.status}`);
  return countUpstream((await response.json()) as UpstreamCall[]);
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
