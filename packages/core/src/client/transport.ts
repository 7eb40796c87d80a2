/** @module Sends one signed AWS call: per-attempt timeout, caller abort, retries, and clock-skew correction. */
import type { Credentials } from "../credentials.ts";
import { abortError, isKvsError, KvsError } from "../errors/kvs-error.ts";
import { isClockSkewError, parseAwsError, requestIdOf } from "../errors/parse-aws-error.ts";
import { signParts } from "../signing/sign.ts";
import { backoffMs } from "./backoff.ts";
import type { ClientConfig, ClientRuntime } from "./options.ts";

/** One AWS call as the operations describe it. */
export interface Call {
  readonly operation: string;
  readonly url: string;
  readonly region: string;
  readonly body: string;
  /** Joins are not: each one sends a new SDP offer, so one that may have reached AWS is never repeated. */
  readonly idempotent: boolean;
  readonly signal?: AbortSignal | undefined;
}

export interface Answer {
  readonly body: string;
  readonly requestId: string;
}

/** An attempt that failed, and what that tells the retry policy. */
interface Failure {
  readonly error: KvsError;
  readonly reachedAws: boolean;
  readonly skewCorrected: boolean;
}

const SKEW_THRESHOLD_MS = 5 * 60_000;
// connection failures that prove the request never left this machine, so even a join may be retried
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

function causeCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return undefined;
}

export interface Transport {
  /** Sends `call`, retrying as the error model allows; resolves with a 2xx answer or throws `KvsError`. */
  send(call: Call): Promise<Answer>;
}

/** Creates the sender shared by all operations of one client (it owns the clock-skew offset). */
export function createTransport(config: ClientConfig, runtime: ClientRuntime): Transport {
  let clockOffsetMs = 0;

  function correctClock(headers: Headers): boolean {
    const serverMs = Date.parse(headers.get("date") ?? "");
    if (Number.isNaN(serverMs) || Math.abs(serverMs - (runtime.now() + clockOffsetMs)) < SKEW_THRESHOLD_MS)
      return false;
    clockOffsetMs = serverMs - runtime.now();
    config.logger.warn?.("kvs.clock_skew_corrected", { offsetMs: clockOffsetMs });
    return true;
  }

  async function attempt(call: Call): Promise<Answer | Failure> {
    let credentials: Credentials;
    try {
      credentials = await config.credentials();
    } catch (cause) {
      const error = isKvsError(cause)
        ? cause
        : new KvsError("UnknownError", { message: "The credentials provider failed", cause });
      return { error, reachedAws: false, skewCorrected: false };
    }
    const signed = await signParts(
      { method: "POST", url: call.url, headers: { "content-type": "application/json" }, body: call.body },
      credentials,
      { region: call.region, date: new Date(runtime.now() + clockOffsetMs) },
    );
    // one controller for the caller's abort and the timeout; a plain timer, cleared after the attempt, so it
    // neither outlives the attempt nor lets the process exit before the timeout fires
    const controller = new AbortController();
    const onAbort = () => controller.abort(call.signal?.reason);
    call.signal?.addEventListener("abort", onAbort, { once: true });
    // the caller may have aborted while credentials were resolved, before the listener existed
    if (call.signal?.aborted) onAbort();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
    try {
      const response = await config.fetch(signed.url, {
        method: "POST",
        headers: signed.headers,
        body: call.body,
        signal: controller.signal,
        redirect: "manual",
      });
      const body = await response.text();
      const skewCorrected = correctClock(response.headers);
      if (response.ok) return { body, requestId: requestIdOf(response.headers) ?? "" };
      const answer = { status: response.status, headers: response.headers, body };
      const secrets = [credentials.sessionToken ?? "", credentials.secretAccessKey];
      const error = parseAwsError(answer, { secrets, nowMs: runtime.now() });
      return { error, reachedAws: true, skewCorrected };
    } catch (cause) {
      const host = new URL(call.url).host;
      const code = causeCode(cause);
      // a fetch that fails the call in AWS's terms itself (a local gate, say) is passed on as it is
      const error = call.signal?.aborted
        ? abortError(cause)
        : isKvsError(cause)
          ? cause
          : timedOut
            ? new KvsError("TimeoutError", {
                message: `No answer from ${host} within ${config.timeoutMs} ms`,
                cause,
              })
            : new KvsError("NetworkError", {
                message: `Network error calling ${host}${code ? ` (${code})` : ""}`,
                cause,
              });
      const neverSent = error.code === "NetworkError" && NOT_SENT_CODES.has(code ?? "");
      return { error, reachedAws: !neverSent, skewCorrected: false };
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener("abort", onAbort);
    }
  }

  async function send(call: Call): Promise<Answer> {
    let resigned = false;
    for (let attempts = 1; ; attempts++) {
      if (call.signal?.aborted) throw abortError(call.signal.reason);
      const outcome = await attempt(call);
      if (!("error" in outcome)) return outcome;
      const { error } = outcome;
      if (!resigned && outcome.skewCorrected && isClockSkewError(error)) {
        // a clock fix is not a retry: the first request was rejected before it did anything
        resigned = true;
        attempts--;
        continue;
      }
      const answeredRetryable = error.retryable && error.status > 0;
      const mayRepeat = call.idempotent || answeredRetryable || !outcome.reachedAws;
      if (!error.retryable || !mayRepeat || attempts >= config.maxAttempts) throw error;
      const delayMs = backoffMs(attempts, error, runtime.random);
      config.logger.debug?.("kvs.retry", {
        operation: call.operation,
        attempt: attempts,
        code: error.code,
        delayMs,
      });
      try {
        await runtime.sleep(delayMs, call.signal);
      } catch (reason) {
        throw abortError(reason);
      }
    }
  }

  return { send };
}
