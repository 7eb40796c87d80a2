/** @module The CPU time of the workerd processes Miniflare spawned under this Node process, from /proc. */
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";

/** The fields of `/proc/<pid>/stat` this needs. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

/**
 * Parses one `/proc/<pid>/stat` line; the command name (field 2) may hold spaces and parentheses, so the
 * fields are counted from the last `)`.
 *
 * @example
 * ```ts
 * parseProcStat("42 (workerd) S 7 42 42 0 -1 0 0 0 0 0 150 30 0 0").cpuTicks; // 180
 * ```
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const close = line.lastIndexOf(")");
  const pid = Number.parseInt(line, 10);
  if (close === -1 || !Number.isInteger(pid)) return undefined;
  // after ")": state(3) ppid(4) … utime(14) stime(15)
  const rest = line.slice(close + 2).split(" ");
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) return undefined;
  return { pid, ppid, cpuTicks: utime + stime };
}

/**
 * The pids under `root` (children, their children, …) among `stats`.
 *
 * @example
 * ```ts
 * descendantsOf(1, [{ pid: 2, ppid: 1, cpuTicks: 0 }, { pid: 3, ppid: 2, cpuTicks: 0 }]); // [2, 3]
 * ```
 */
export function descendantsOf(root: number, stats: readonly ProcStat[]): number[] {
  const found: number[] = [];
  const frontier = [root];
  for (let parent = frontier.pop(); parent !== undefined; parent = frontier.pop()) {
    for (const stat of stats) {
      if (stat.ppid !== parent || found.includes(stat.pid)) continue;
      found.push(stat.pid);
      frontier.push(stat.pid);
    }
  }
  return found;
}

const readText = (path: string) => readFile(path, "utf8").catch(() => undefined);

async function allStats(): Promise<ProcStat[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const lines = await Promise.all(pids.map((pid) => readText(`/proc/${pid}/stat`)));
  return lines.flatMap((line) => {
    const stat = line === undefined ? undefined : parseProcStat(line);
    return stat === undefined ? [] : [stat];
  });
}

/**
 * The workerd processes running under this Node process: descendants whose executable (argv[0]) is named
 * workerd. Empty where there is no `/proc` (not Linux).
 *
 * @example
 * ```ts
 * const pids = await workerdPids(); // [12345]
 * ```
 */
export async function workerdPids(root: number = process.pid): Promise<number[]> {
  const stats = await allStats().catch(() => []);
  const pids = descendantsOf(root, stats);
  const commands = await Promise.all(pids.map((pid) => readText(`/proc/${pid}/cmdline`)));
  return pids.filter((_, i) => /(^|\/)workerd$/.test(commands[i]?.split("\0")[0] ?? ""));
}

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // USER_HZ on every Linux architecture Node supports
    }
  }
  return ticksPerSecond;
}

/**
 * The summed user + system CPU seconds of `pids` so far; `undefined` if any of them is gone.
 *
 * @example
 * ```ts
 * const before = await cpuSecondsOf(pids); … const used = (await cpuSecondsOf(pids)) - before;
 * ```
 */
export async function cpuSecondsOf(pids: readonly number[]): Promise<number | undefined> {
  const lines = await Promise.all(pids.map((pid) => readText(`/proc/${pid}/stat`)));
  let ticks = 0;
  for (const line of lines) {
    const stat = line === undefined ? undefined : parseProcStat(line);
    if (stat === undefined) return undefined;
    ticks += stat.cpuTicks;
  }
  return ticks / clockTicksPerSecond();
}
