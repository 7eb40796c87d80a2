import { httpDate } from "./amz-date.ts";
import { planeOf } from "./aws-error.ts";
import { type CallLog, describeCaller, errorCodeOf } from "./call-log.ts";
import { applyFaults, type Hangs } from "./fault-effects.ts";
import type { FaultKind, FaultTable } from "./faults.ts";
import type { RequestBindings } from "./state.ts";

/** What the envelope around every AWS route needs. */
export interface EnvelopeDeps {
  readonly now: () => number;
  readonly log: CallLog;
  readonly faults: FaultTable;
  readonly hangs: Hangs;
  readonly sleep: (ms: number) => Promise<void>;
}

/** One AWS call in flight: its request id, and how it is stamped and logged when it ends. */
export interface Call {
  readonly requestId: string;
  /** Adds the `x-amzn-RequestId` and `Date` headers every AWS response carries. */
  stamp(response: Response): Response;
  finish(status: number, errorCode: string | null, fault: FaultKind | null): void;
}

/**
 * Starts tracking a call: takes its arrival time and caller for the call log.
 *
 * @example
 * const call = startCall(deps, request, bodyText);
 * call.finish(403, "InvalidSignatureException", null);
 */
export function startCall(deps: EnvelopeDeps, request: Request, body: string): Call {
  const time = deps.now();
  const url = new URL(request.url);
  const caller = describeCaller(request.headers.get("authorization"), url.searchParams);
  const requestId = crypto.randomUUID();
  return {
    requestId,
    stamp: (response) => {
      response.headers.set("x-amzn-RequestId", requestId);
      response.headers.set("Date", httpDate(deps.now()));
      return response;
    },
    finish: (status, errorCode, fault) => {
      deps.log.record({
        time,
        method: request.method,
        path: url.pathname,
        ...caller,
        body,
        status,
        errorCode,
        fault,
      });
    },
  };
}

const decoder = new TextDecoder();

/**
 * Wraps the AWS routes: reads the body once, applies injected faults, stamps and logs the response.
 *
 * @example
 * const fetch = withEnvelope(deps, (request, bindings) => app.fetch(request, bindings));
 */
export function withEnvelope(
  deps: EnvelopeDeps,
  handler: (request: Request, bindings: RequestBindings) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    const text = decoder.decode(body);
    const call = startCall(deps, request, text);
    const path = new URL(request.url).pathname;
    const outcome = await applyFaults(deps.faults.take(path), {
      sleep: deps.sleep,
      hangs: deps.hangs,
      signal: request.signal,
      plane: planeOf(path),
      requestId: call.requestId,
      onDrop: (kind) => call.finish(0, null, kind),
    });
    const response = call.stamp(outcome.response ?? (await handler(request, { body, text })));
    call.finish(response.status, errorCodeOf(response), outcome.kind);
    return response;
  };
}
