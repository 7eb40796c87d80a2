import type { FaultKind } from "./faults.ts";

/**
 * One request the emulator answered (or dropped). Never holds a secret key or a signature.
 *
 * @example
 * expect(emulator.calls()).toContainEqual(expect.objectContaining({ path: "/joinStorageSession", status: 200 }));
 */
export interface CallRecord {
  /** Emulator clock, epoch ms, when the request arrived. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly accessKeyId: string | null;
  readonly signedHeaders: readonly string[];
  readonly body: string;
  /** HTTP status answered; 0 when the connection was reset or left hanging. */
  readonly status: number;
  /** The `x-amzn-ErrorType` code, e.g. `InvalidSignatureException`. */
  readonly errorCode: string | null;
  readonly fault: FaultKind | null;
}

/** The who-signed part of a call record, read from the request without verifying anything. */
export interface Caller {
  readonly accessKeyId: string | null;
  readonly signedHeaders: readonly string[];
}

/** An append-only list of calls that tests read and clear. */
export interface CallLog {
  record(call: CallRecord): void;
  list(): readonly CallRecord[];
  clear(): void;
  /** Resolves once the log holds at least `count` calls: lets tests sync with a hung or in-flight request. */
  waitFor(count: number): Promise<readonly CallRecord[]>;
}

/**
 * Creates an empty call log.
 *
 * @example
 * const log = createCallLog();
 * log.record(call);
 * log.list().at(-1)?.status;
 */
export function createCallLog(): CallLog {
  let calls: CallRecord[] = [];
  let waiters: { count: number; resolve: (calls: readonly CallRecord[]) => void }[] = [];
  return {
    record: (call) => {
      calls.push(call);
      const ready = waiters.filter((waiter) => calls.length >= waiter.count);
      waiters = waiters.filter((waiter) => calls.length < waiter.count);
      for (const waiter of ready) waiter.resolve([...calls]);
    },
    list: () => [...calls],
    clear: () => {
      calls = [];
    },
    waitFor: (count) =>
      calls.length >= count
        ? Promise.resolve([...calls])
        : new Promise((resolve) => waiters.push({ count, resolve })),
  };
}

/**
 * Reads the access key id and signed header names from an Authorization header or presigned query.
 *
 * @example
 * describeCaller(request.headers.get("authorization"), url.searchParams).accessKeyId; // "AKIA…"
 */
export function describeCaller(authorization: string | null, query: URLSearchParams): Caller {
  const credential = /Credential=([^/,\s]+)/.exec(authorization ?? "")?.[1] ?? query.get("X-Amz-Credential");
  const signed = /SignedHeaders=([^,\s]+)/.exec(authorization ?? "")?.[1] ?? query.get("X-Amz-SignedHeaders");
  return {
    accessKeyId: credential?.split("/")[0] || null,
    signedHeaders: signed ? signed.split(";") : [],
  };
}

/**
 * The error code of an AWS error response, from its `x-amzn-ErrorType` header.
 *
 * @example
 * errorCodeOf(response); // "ResourceNotFoundException"
 */
export function errorCodeOf(response: Response): string | null {
  return response.headers.get("x-amzn-ErrorType")?.split(":")[0] ?? null;
}
