import { awsErrorResponse, type Plane, THROTTLED } from "./aws-error.ts";
import type { Fault, FaultKind } from "./faults.ts";
import { EmulatorNetworkError } from "./network-error.ts";

/** Requests held by `hang` faults, released (as dropped connections) on reset or close. */
export interface Hangs {
  /** Never resolves; rejects with a network error once released or once `signal` aborts. */
  wait(signal: AbortSignal, requestId: string): Promise<never>;
  releaseAll(): void;
}

/**
 * Creates an empty set of hung requests.
 *
 * @example
 * const hangs = createHangs();
 * const pending = hangs.wait(request.signal, requestId);
 * hangs.releaseAll(); // pending rejects with EmulatorNetworkError
 */
export function createHangs(): Hangs {
  const releases = new Set<() => void>();
  return {
    wait: (signal, requestId) =>
      new Promise<never>((_, reject) => {
        const release = () => {
          releases.delete(release);
          signal.removeEventListener("abort", release);
          reject(
            new EmulatorNetworkError("The connection was closed while the request hung.", { requestId }),
          );
        };
        releases.add(release);
        signal.addEventListener("abort", release, { once: true });
      }),
    releaseAll: () => {
      for (const release of [...releases]) release();
    },
  };
}

/** What applying a request's faults decided. */
export interface FaultOutcome {
  /** The last fault that acted, for the call log. */
  readonly kind: FaultKind | null;
  /** A response that replaces the real one, if a fault produced one. */
  readonly response: Response | undefined;
}

/** What faults need from the request and the emulator. */
export interface FaultContext {
  readonly sleep: (ms: number) => Promise<void>;
  readonly hangs: Hangs;
  readonly signal: AbortSignal;
  readonly plane: Plane;
  readonly requestId: string;
  /** Called just before a fault drops the connection, so the call can still be logged. */
  readonly onDrop: (kind: FaultKind) => void;
}

/**
 * Applies faults in order: latencies add up, the first other fault decides the answer.
 *
 * @example
 * const outcome = await applyFaults(faults.take(path), context);
 * return outcome.response ?? handle(request);
 */
export async function applyFaults(faults: readonly Fault[], context: FaultContext): Promise<FaultOutcome> {
  let kind: FaultKind | null = null;
  for (const fault of faults) {
    kind = fault.kind;
    switch (fault.kind) {
      case "latency":
        await context.sleep(fault.ms);
        break;
      case "hang":
        context.onDrop("hang");
        return context.hangs.wait(context.signal, context.requestId);
      case "reset":
        context.onDrop("reset");
        throw new EmulatorNetworkError("Connection reset by fault injection.", {
          requestId: context.requestId,
        });
      case "throttle":
        return { kind, response: awsErrorResponse(THROTTLED, context.plane) };
      case "server-error":
        return { kind, response: serverError(fault.status ?? 503, fault.body ?? "json", context.plane) };
      case "drop-offer":
      case "go-away":
      case "idle-close":
        // never among a request's faults: a join asks for the first after answering, the others act at once
        break;
    }
  }
  return { kind, response: undefined };
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

function serverError(status: number, body: "json" | "html" | "empty", plane: Plane): Response {
  const text = STATUS_TEXT[status] ?? "Server Error";
  switch (body) {
    case "empty":
      return new Response(null, { status });
    case "html":
      return new Response(
        `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`,
        { status, headers: { "content-type": "text/html" } },
      );
    case "json":
      return awsErrorResponse(
        status === 503
          ? { type: "ServiceUnavailableException", status, message: "Service Unavailable" }
          : { type: "InternalFailure", status, message: "An internal error has occurred." },
        plane,
      );
  }
}
