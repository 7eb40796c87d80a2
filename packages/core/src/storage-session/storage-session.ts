/**
 * @module The storage-session loop: signaling first, then join; join again (paced, counted) until the storage
 * session's SDP offer arrives; reconnect signaling whenever KVS ends it; join again when the media session ends.
 */
import { backoffMs } from "../client/backoff.ts";
import type { ClientRuntime } from "../client/options.ts";
import { abortError, isKvsError, KvsError } from "../errors/kvs-error.ts";
import type { RtcIceServer, SessionAccess } from "./session-access.ts";
import { type SessionEvents, SessionEventTarget, type StorageSession } from "./session-events.ts";
import {
  openSignalingConnection,
  type SignalingConnection,
  type WebSocketConstructor,
} from "./signaling-connection.ts";
import {
  encodeSignalingMessage,
  type IceCandidate,
  type SendOptions,
  type SessionDescription,
  type SignalingMessage,
} from "./signaling-messages.ts";

type JoinReason = SessionEvents["join"]["reason"];

export interface SessionSettings {
  readonly offerTimeoutMs: number;
  readonly maxJoinAttempts: number;
  readonly WebSocket: WebSocketConstructor;
}

// AWS allows 2 joins per second per channel: a session's third join waits a second (and a margin) after its first
const JOIN_WINDOW_MS = 1_050;
// AWS ends a storage session after an hour at most; joining again then starts the next one
const MEDIA_SESSION_MAX_MS = 60 * 60_000;
// a connection that ends this soon counts as a failed connect, so a flapping endpoint backs off and gives up
const SHORT_LIVED_MS = 5_000;
const MAX_QUEUED_SENDS = 256;

export class LiveStorageSession extends SessionEventTarget implements StorageSession {
  readonly #access: SessionAccess;
  readonly #settings: SessionSettings;
  readonly #runtime: ClientRuntime;
  readonly #stop = new AbortController();
  readonly #done: Promise<void>;
  #offer: SessionDescription | undefined;
  #waiting: { resolve(offer: SessionDescription): void; reject(error: KvsError): void }[] = [];
  #failure: KvsError | undefined;
  #connection: SignalingConnection | undefined;
  #unsent: string[] = [];
  #iceServers: readonly RtcIceServer[] = [];
  #offersSeen = 0;
  #rejoinAsked = false;
  // from a join until an offer arrives; a rejoin asked meanwhile is already being served
  #awaitingOffer = true;
  #offerAtMs = 0;
  #recentJoinsMs: number[] = [];
  #wake: (() => void) | undefined;
  #detachCallerSignal: () => void = () => {};

  constructor(
    access: SessionAccess,
    settings: SessionSettings,
    runtime: ClientRuntime,
    signal?: AbortSignal,
  ) {
    super();
    this.#access = access;
    this.#settings = settings;
    this.#runtime = runtime;
    if (signal?.aborted) this.#stop.abort(signal.reason);
    if (signal !== undefined) {
      const onAbort = () => this.#stop.abort(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#detachCallerSignal = () => signal.removeEventListener("abort", onAbort);
    }
    this.#done = this.#run().catch((error: unknown) => this.#end(error));
  }

  get iceServers(): readonly RtcIceServer[] {
    return this.#iceServers;
  }

  nextOffer(): Promise<SessionDescription> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const offer = this.#offer;
    this.#offer = undefined;
    if (offer !== undefined) return Promise.resolve(offer);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  sendAnswer(answer: { readonly sdp: string }, options?: SendOptions): void {
    this.#send(encodeSignalingMessage("SDP_ANSWER", { type: "answer", sdp: answer.sdp }, options));
  }

  sendIceCandidate(candidate: IceCandidate | { toJSON(): IceCandidate }, options?: SendOptions): void {
    const init = "toJSON" in candidate ? candidate.toJSON() : candidate;
    this.#send(encodeSignalingMessage("ICE_CANDIDATE", init, options));
  }

  rejoin(): void {
    if (this.#awaitingOffer) return;
    this.#rejoinAsked = true;
    this.#wake?.();
  }

  async close(): Promise<void> {
    this.#stop.abort(CLOSED);
    await this.#done;
  }

  #send(text: string): void {
    if (this.#failure !== undefined) throw this.#failure;
    const connection = this.#connection;
    if (connection !== undefined && connection.end === undefined) {
      connection.send(text);
      return;
    }
    // while signaling reconnects: sent as soon as it is open again
    if (this.#unsent.length >= MAX_QUEUED_SENDS) {
      throw new KvsError("NetworkError", { message: "Signaling is reconnecting and the send queue is full" });
    }
    this.#unsent.push(text);
  }

  #received(message: SignalingMessage): void {
    if (message.kind === "offer") {
      this.#offersSeen++;
      this.#awaitingOffer = false;
      this.#offerAtMs = this.#runtime.now();
      // an offer nobody took yet is stale once a newer one arrives
      const waiter = this.#waiting.shift();
      if (waiter === undefined) this.#offer = message.offer;
      else waiter.resolve(message.offer);
      this.#wake?.();
    } else if (message.kind === "ice-candidate") {
      this.emit("icecandidate", message.candidate);
    } else if (message.kind === "status-response") {
      this.emit("statusresponse", message.status);
    }
  }

  // waits up to `ms`; a wakeable pause returns early when a message, an end or a rejoin wakes the loop
  async #pause(ms: number, wakeable = true): Promise<void> {
    const stop = this.#stop.signal;
    if (stop.aborted) throw abortError(stop.reason);
    const pause = new AbortController();
    const onStop = () => pause.abort();
    stop.addEventListener("abort", onStop, { once: true });
    if (wakeable) this.#wake = () => pause.abort();
    try {
      await this.#runtime.sleep(ms, pause.signal);
    } catch (error) {
      // only this pause's own controller may end it early; any other failure is the loop's
      if (!pause.signal.aborted) throw error;
      if (stop.aborted) throw abortError(stop.reason);
    } finally {
      stop.removeEventListener("abort", onStop);
      if (wakeable) this.#wake = undefined;
    }
  }

  async #connect(): Promise<SignalingConnection> {
    for (let failures = 0; ; ) {
      try {
        const { signalingUrl, iceServers } = await this.#access.connect(this.#stop.signal);
        this.#iceServers = iceServers;
        const connection = await openSignalingConnection(this.#settings.WebSocket, signalingUrl, {
          now: this.#runtime.now,
          signal: this.#stop.signal,
          onMessage: (message) => this.#received(message),
          onEnd: () => this.#wake?.(),
        });
        for (const text of this.#unsent.splice(0)) connection.send(text);
        return connection;
      } catch (error) {
        const failure = this.#asKvsError(error);
        failures++;
        if (!failure.retryable || failures >= this.#settings.maxJoinAttempts) throw failure;
        await this.#pause(backoffMs(failures, failure, this.#runtime.random), false);
      }
    }
  }

  async #run(): Promise<void> {
    const { offerTimeoutMs, maxJoinAttempts } = this.#settings;
    let reason: JoinReason = "start";
    let joinsWithoutOffer = 0;
    let lastFailure: KvsError | undefined;
    for (let shortLived = 0; ; ) {
      const connection = await this.#connect();
      this.#connection = connection;
      while (connection.end === undefined) {
        if (!this.#awaitingOffer) {
          joinsWithoutOffer = 0;
          lastFailure = undefined;
          const endsAtMs = this.#offerAtMs + MEDIA_SESSION_MAX_MS;
          // a rejoin asked while signaling reconnected finds the loop here, not paused
          if (!this.#rejoinAsked && this.#runtime.now() < endsAtMs) {
            await this.#pause(endsAtMs - this.#runtime.now());
            continue;
          }
          reason = this.#rejoinAsked ? "rejoin" : "session-ended";
          this.#rejoinAsked = false;
          this.#awaitingOffer = true;
          continue;
        }
        if (joinsWithoutOffer >= maxJoinAttempts) {
          throw new KvsError("TimeoutError", {
            message: `No SDP offer from the storage session after ${joinsWithoutOffer} joins`,
            cause: lastFailure,
          });
        }
        const paceUntil = (this.#recentJoinsMs.at(-2) ?? Number.NEGATIVE_INFINITY) + JOIN_WINDOW_MS;
        while (connection.end === undefined && this.#awaitingOffer && this.#runtime.now() < paceUntil) {
          await this.#pause(paceUntil - this.#runtime.now());
        }
        if (connection.end !== undefined) break;
        if (!this.#awaitingOffer) continue;
        const seen = this.#offersSeen;
        joinsWithoutOffer++;
        this.#offer = undefined;
        this.#recentJoinsMs = [this.#recentJoinsMs.at(-1) ?? Number.NEGATIVE_INFINITY, this.#runtime.now()];
        this.emit("join", { attempt: joinsWithoutOffer, reason });
        let wait = offerTimeoutMs;
        try {
          await this.#access.join(this.#stop.signal);
          reason = "no-offer";
        } catch (error) {
          const failure = this.#asKvsError(error);
          if (!failure.retryable) throw failure;
          reason = "retry";
          lastFailure = failure;
          const backoff = backoffMs(joinsWithoutOffer, failure, this.#runtime.random);
          // no answer (a timeout, a lost connection): it may have reached AWS, so its offer may still come
          wait = failure.status > 0 ? backoff : Math.max(backoff, offerTimeoutMs);
        }
        const deadline = this.#runtime.now() + wait;
        while (this.#offersSeen === seen && connection.end === undefined && this.#runtime.now() < deadline) {
          await this.#pause(deadline - this.#runtime.now());
        }
        if (this.#offersSeen === seen && reason === "no-offer" && connection.end === undefined) {
          // full jitter on top of the offer timeout, so a fleet that started together drifts apart
          await this.#pause(Math.floor(this.#runtime.random() * offerTimeoutMs * 0.5));
        }
      }
      const end = connection.end;
      const lived = this.#runtime.now() - connection.openedAtMs;
      shortLived = lived < SHORT_LIVED_MS ? shortLived + 1 : 0;
      if (shortLived >= maxJoinAttempts) {
        throw new KvsError("NetworkError", {
          message: `Signaling closed ${shortLived} times right after opening`,
        });
      }
      this.emit(
        "reconnect",
        end.reason === "closed" ? { reason: "closed", code: end.code } : { reason: end.reason },
      );
      if (this.#awaitingOffer) reason = "reconnect";
      if (shortLived > 0)
        await this.#pause(backoffMs(shortLived, { throttling: false }, this.#runtime.random), false);
    }
  }

  #asKvsError(error: unknown): KvsError {
    if (this.#stop.signal.aborted) return abortError(this.#stop.signal.reason);
    if (isKvsError(error)) return error;
    return new KvsError("UnknownError", { message: "The storage session failed unexpectedly", cause: error });
  }

  // the loop ends only by failing: on the caller's abort, on close(), or on an error it cannot get past
  #end(error: unknown): void {
    const closed = this.#stop.signal.reason === CLOSED;
    const failure = closed
      ? new KvsError("AbortError", { message: "The storage session was closed" })
      : this.#asKvsError(error);
    this.#failure = failure;
    this.#stop.abort(CLOSED);
    this.#detachCallerSignal();
    this.#connection?.close();
    for (const waiter of this.#waiting.splice(0)) waiter.reject(failure);
    this.emit("close", closed ? {} : { error: failure });
  }
}

const CLOSED = Symbol("closed");
