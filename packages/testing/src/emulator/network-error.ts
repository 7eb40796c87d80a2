/**
 * The network failure an injected `reset` or a released `hang` produces. It extends `TypeError` because
 * that is what `fetch` rejects with when a connection drops, so clients treat it as one.
 *
 * @example
 * try { await emulator.fetch(request); } catch (error) { if (isEmulatorNetworkError(error)) retry(); }
 */
export class EmulatorNetworkError extends TypeError {
  override readonly name = "EmulatorNetworkError" as const;
  readonly code = "ECONNRESET" as const;
  readonly status = 0 as const;
  readonly retryable = true as const;
  readonly requestId: string | undefined;

  constructor(message: string, options: { requestId?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.requestId = options.requestId;
  }
}

/**
 * Whether an error is an {@link EmulatorNetworkError}, even from another copy of this module.
 *
 * @example
 * if (isEmulatorNetworkError(error)) socket.destroy();
 */
export function isEmulatorNetworkError(error: unknown): error is EmulatorNetworkError {
  return error instanceof Error && error.name === "EmulatorNetworkError";
}
