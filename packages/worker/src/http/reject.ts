import type { AppContext } from "./app-env.ts";
import { type Failure, failureResponse } from "./failure.ts";

/**
 * Ends a request with a failure: records its kind (and log-only detail) and answers in AWS shape.
 *
 * @example
 * ```ts
 * if (!tenant) return reject(c, { kind: "unauthenticated" });
 * ```
 */
export function reject(c: AppContext, failure: Failure): Response {
  const log = c.get("log");
  log.decision = failure.kind;
  if ("detail" in failure) log.detail = failure.detail;
  return failureResponse(failure, c.get("requestId"));
}
