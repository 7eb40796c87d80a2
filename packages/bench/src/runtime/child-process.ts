/** @module Runs a child process to completion, killed on timeout or when the benchmark is interrupted. */
import { spawn } from "node:child_process";
import { onCleanup } from "./cleanup.ts";

/** A finished child: its exit code and what it printed. */
export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args…` and collects its output; a child still running after `timeoutMs` is killed.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runChild(process.execPath, ["--version"], { cwd: ROOT, timeoutMs: 10_000 });
 * ```
 */
export function runChild(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs: number; env?: Record<string, string> },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    const stop = onCleanup(kill, kill);
    const timer = setTimeout(() => void stop(), options.timeoutMs);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      void stop();
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      void stop();
      resolve({ code, stdout, stderr });
    });
  });
}
