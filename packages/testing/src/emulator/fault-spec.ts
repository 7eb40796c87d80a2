import type { FaultSpec } from "./faults.ts";

/** The outcome of reading a fault spec sent to `POST /_emulator/faults`. */
export type FaultSpecResult =
  | { readonly ok: true; readonly spec: FaultSpec }
  | { readonly ok: false; readonly error: string };

type ErrorBody = "json" | "html" | "empty";
const isErrorBody = (value: unknown): value is ErrorBody =>
  value === "json" || value === "html" || value === "empty";

/**
 * Validates an untrusted JSON fault spec.
 *
 * @example
 * parseFaultSpec({ kind: "latency", ms: 250, times: 1 }); // { ok: true, spec: … }
 */
export function parseFaultSpec(input: unknown): FaultSpecResult {
  if (typeof input !== "object" || input === null)
    return { ok: false, error: "fault spec must be a JSON object" };
  const record = new Map(Object.entries(input));
  const where = parseWhere(record.get("route"), record.get("times"));
  if (typeof where === "string") return { ok: false, error: where };
  const kind = record.get("kind");
  switch (kind) {
    case "hang":
    case "reset":
    case "throttle":
    case "drop-offer":
    case "go-away":
    case "idle-close":
      return { ok: true, spec: { kind, ...where } };
    case "latency": {
      const ms = record.get("ms");
      if (typeof ms !== "number" || !(ms >= 0)) return { ok: false, error: "latency needs ms >= 0" };
      return { ok: true, spec: { kind, ms, ...where } };
    }
    case "server-error": {
      const status = record.get("status") ?? 503;
      const body = record.get("body") ?? "json";
      if (typeof status !== "number" || status < 500 || status > 599)
        return { ok: false, error: "status must be 5xx" };
      if (!isErrorBody(body)) return { ok: false, error: "body must be json, html or empty" };
      return { ok: true, spec: { kind, status, body, ...where } };
    }
    default:
      return {
        ok: false,
        error: "kind must be latency, hang, server-error, reset, throttle, drop-offer, go-away or idle-close",
      };
  }
}

function parseWhere(route: unknown, times: unknown): { route?: string; times?: number } | string {
  if (route !== undefined && typeof route !== "string")
    return "route must be a path such as /joinStorageSession";
  if (times !== undefined && !(typeof times === "number" && Number.isInteger(times) && times >= 1)) {
    return "times must be a positive integer";
  }
  return { ...(route === undefined ? {} : { route }), ...(times === undefined ? {} : { times }) };
}
