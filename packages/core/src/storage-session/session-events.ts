/** @module What a storage session is to its caller: its methods, and the events it dispatches. */
import type { KvsError } from "../errors/kvs-error.ts";
import type { RtcIceServer } from "./session-access.ts";
import type { IceCandidate, SendOptions, SessionDescription, StatusResponse } from "./signaling-messages.ts";

/** The `detail` of each event a storage session dispatches. */
export interface SessionEvents {
  /** A join call is about to be made: its number since the last offer, and why. */
  readonly join: {
    readonly attempt: number;
    readonly reason: "start" | "no-offer" | "retry" | "reconnect" | "rejoin" | "session-ended";
  };
  /** Signaling ended (KVS's `GO_AWAY` or `RECONNECT_ICE_SERVER`, or a close) and is being opened again. */
  readonly reconnect:
    | { readonly reason: "go-away" | "reconnect-ice-server" }
    | { readonly reason: "closed"; readonly code: number };
  /** The storage session's ICE candidate, for `RTCPeerConnection.addIceCandidate`. */
  readonly icecandidate: IceCandidate;
  /** KVS could not deliver or accept a message sent with this `correlationId`. */
  readonly statusresponse: StatusResponse;
  /** The session is over: closed by the caller (no `error`), or failed for good. */
  readonly close: { readonly error?: KvsError };
}

/** The event a storage session dispatches; its `detail` depends on its type. */
export class StorageSessionEvent<K extends keyof SessionEvents = keyof SessionEvents> extends Event {
  readonly detail: SessionEvents[K];

  constructor(type: K, detail: SessionEvents[K]) {
    super(type);
    this.detail = detail;
  }
}

/** An `EventTarget` whose listeners are typed per event in `StorageSession`, and which emits them by type. */
export class SessionEventTarget extends EventTarget {
  override addEventListener(
    type: string,
    listener: ((event: never) => void) | EventListenerObject | null,
    options?: Parameters<EventTarget["addEventListener"]>[2],
  ): void {
    if (listener !== null) super.addEventListener(type, listener as EventListener, options);
  }

  override removeEventListener(
    type: string,
    listener: ((event: never) => void) | EventListenerObject | null,
    options?: Parameters<EventTarget["removeEventListener"]>[2],
  ): void {
    if (listener !== null) super.removeEventListener(type, listener as EventListener, options);
  }

  protected emit<K extends keyof SessionEvents>(type: K, detail: SessionEvents[K]): void {
    this.dispatchEvent(new StorageSessionEvent(type, detail));
  }
}

type Listener<K extends keyof SessionEvents> = (event: StorageSessionEvent<K>) => void;
// as the runtime's EventTarget spells them (DOM and Workers types name them differently)
type AnyListener = Parameters<EventTarget["addEventListener"]>[1];
type AddOptions = Parameters<EventTarget["addEventListener"]>[2];
type RemoveOptions = Parameters<EventTarget["removeEventListener"]>[2];

/** A participant's storage session, from `openStorageSession`. */
export interface StorageSession extends EventTarget {
  /** The channel's STUN and TURN servers for `RTCPeerConnection`, from the latest signaling connect. */
  readonly iceServers: readonly RtcIceServer[];
  /**
   * The storage session's next SDP offer (each one starts a new media session; an offer not yet taken is replaced
   * by a newer one). Rejects with the `KvsError` that ended the session.
   */
  nextOffer(): Promise<SessionDescription>;
  /** Sends the answer to the latest offer; queued while signaling reconnects. */
  sendAnswer(answer: { readonly sdp: string }, options?: SendOptions): void;
  /** Sends a local ICE candidate (an `RTCIceCandidate` or its JSON); queued while signaling reconnects. */
  sendIceCandidate(candidate: IceCandidate | { toJSON(): IceCandidate }, options?: SendOptions): void;
  /** Joins again for a new offer, e.g. once the caller's peer connection has failed. */
  rejoin(): void;
  /** Stops joining, closes signaling, and rejects pending `nextOffer()` calls with an `AbortError`. */
  close(): Promise<void>;
  addEventListener<K extends keyof SessionEvents>(type: K, listener: Listener<K>, options?: AddOptions): void;
  addEventListener(type: string, listener: AnyListener, options?: AddOptions): void;
  removeEventListener<K extends keyof SessionEvents>(
    type: K,
    listener: Listener<K>,
    options?: RemoveOptions,
  ): void;
  removeEventListener(type: string, listener: AnyListener, options?: RemoveOptions): void;
}
