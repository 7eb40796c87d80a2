/** @module The single error class of the client. */
import { type ErrorFault, type KvsErrorCode, traitsOf } from "./error-codes.ts";

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
  // declared, not defined: the constructor sets each one, so no class-field definitions need shipping
  declare readonly [BRAND]: true;
  declare readonly name: KvsErrorCode;
  declare readonly code: KvsErrorCode;
  /** HTTP status of the AWS answer, or 0 when there was none. */
  declare readonly status: number;
  declare readonly retryable: boolean;
  declare readonly throttling: boolean;
  declare readonly fault: ErrorFault;
  declare readonly requestId: string | undefined;
  /** For input errors: each field that broke a rule. */
  declare readonly issues: readonly InputIssue[];
  /** The code exactly as the service sent it, when it differs from `code` (e.g. for `UnknownError`). */
  declare readonly rawCode: string | undefined;
  /** How long the service asked us to wait (`Retry-After`), when it said. */
  declare readonly retryAfterMs: number | undefined;

  constructor(code: KvsErrorCode, init: KvsErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    const traits = traitsOf(code);
    Object.assign(this, {
      name: code,
      code,
      status: init.status ?? traits.status,
      retryable: init.retryable ?? traits.retryable,
      throttling: init.throttling ?? traits.throttling,
      fault: init.fault ?? traits.fault,
      requestId: init.requestId,
      issues: init.issues ?? [],
      rawCode: init.rawCode,
      retryAfterMs: init.retryAfterMs,
    });
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A log- and wire-safe summary (no cause chain, no stack). */
  toJSON(): Record<string, unknown> {
    const { name, message, status, retryable, throttling, fault, requestId, issues, rawCode } = this;
    return {
      name,
      message,
      status,
      retryable,
      throttling,
      fault,
      requestId,
      ...(issues.length > 0 ? { issues } : {}),
      ...(rawCode === undefined ? {} : { rawCode }),
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

/**
 * Settles as `pending` does, or rejects with an `AbortError` as soon as `signal` aborts, whichever comes first.
 * `pending` itself runs on: use it where the work is shared, or cannot be cancelled.
 *
 * @example
 * const decision = await untilAborted(limiter.take(bucket), AbortSignal.timeout(1000));
 */
export function untilAborted<T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return pending;
  if (signal.aborted) return Promise.reject(abortError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
