/** @module The single error class of the client. */
import { ERROR_TRAITS, type ErrorFault, type KvsErrorCode } from "./error-codes.ts";

const BRAND = Symbol.for("kvs-webrtc-storage.KvsError");

/** One failed input rule: which field, and what it must satisfy. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

export interface KvsErrorInit {
  readonly message: string;
  readonly status?: number;
  readonly requestId?: string | undefined;
  readonly issues?: readonly InputIssue[];
  readonly rawCode?: string | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly retryable?: boolean;
  readonly throttling?: boolean;
  readonly fault?: ErrorFault;
  readonly cause?: unknown;
}

/**
 * Every failure the client reports: an AWS error answer, invalid input, or a transport failure.
 *
 * @example
 * try {
 *   await kvs.joinStorageSession({ channelArn });
 * } catch (error) {
 *   if (isKvsError(error) && error.throttling) console.log("slow down", error.retryAfterMs);
 * }
 */
export class KvsError extends Error {
  declare readonly [BRAND]: true;
  override readonly name: KvsErrorCode;
  readonly code: KvsErrorCode;
  /** HTTP status of the AWS answer, or 0 when there was none. */
  readonly status: number;
  readonly retryable: boolean;
  readonly throttling: boolean;
  readonly fault: ErrorFault;
  readonly requestId: string | undefined;
  /** For input errors: each field that broke a rule. */
  readonly issues: readonly InputIssue[];
  /** The code exactly as the service sent it, when it differs from `code` (e.g. for `UnknownError`). */
  readonly rawCode: string | undefined;
  /** How long the service asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(code: KvsErrorCode, init: KvsErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    const traits = ERROR_TRAITS[code];
    this.name = code;
    this.code = code;
    this.status = init.status ?? traits.status;
    this.retryable = init.retryable ?? traits.retryable;
    this.throttling = init.throttling ?? traits.throttling;
    this.fault = init.fault ?? traits.fault;
    this.requestId = init.requestId;
    this.issues = init.issues ?? [];
    this.rawCode = init.rawCode;
    this.retryAfterMs = init.retryAfterMs;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A log- and wire-safe summary (no cause chain, no stack). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
      throttling: this.throttling,
      fault: this.fault,
      requestId: this.requestId,
      ...(this.issues.length > 0 ? { issues: this.issues } : {}),
      ...(this.rawCode === undefined ? {} : { rawCode: this.rawCode }),
    };
  }
}

/**
 * True for any `KvsError`, even one created by another copy of this package.
 *
 * @example
 * if (isKvsError(error, "ResourceNotFoundException")) return null;
 */
export function isKvsError<C extends KvsErrorCode>(
  error: unknown,
  code?: C,
): error is KvsError & { readonly code: C } {
  if (typeof error !== "object" || error === null) return false;
  const branded = error instanceof KvsError || (error as { [BRAND]?: unknown })[BRAND] === true;
  return branded && (code === undefined || (error as KvsError).code === code);
}

/** Shorthand for the input-validation error every parser throws. */
export function invalidArgument(issues: readonly InputIssue[]): KvsError {
  const detail = issues.map((issue) => `${issue.path} ${issue.message}`).join("; ");
  return new KvsError("InvalidArgumentException", { message: `Invalid input: ${detail}`, issues });
}

/** Shorthand for the error of a call its caller aborted; the abort reason is its cause. */
export function abortError(reason: unknown): KvsError {
  return new KvsError("AbortError", { message: "The call was aborted by the caller", cause: reason });
}

// a deadline (AbortSignal.timeout) is a timeout, any other reason the caller's abort
function stoppedBy(reason: unknown): KvsError {
  if ((reason as { name?: unknown } | undefined)?.name !== "TimeoutError") return abortError(reason);
  return new KvsError("TimeoutError", { message: "The call ran past its deadline", cause: reason });
}

/**
 * Settles as `pending` does, or rejects as soon as `signal` aborts, whichever comes first: with a `TimeoutError`
 * when the signal is a deadline (`AbortSignal.timeout`), else an `AbortError`. `pending` itself runs on: use it
 * where the work is shared, or cannot be cancelled.
 *
 * @example
 * const decision = await untilAborted(limiter.take(bucket), AbortSignal.timeout(1000));
 */
export function untilAborted<T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return pending;
  if (signal.aborted) return Promise.reject(stoppedBy(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stoppedBy(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
