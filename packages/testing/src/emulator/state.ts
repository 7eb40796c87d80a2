import type { Registry } from "./data-set.ts";
import type { OperationLimits } from "./limits.ts";
import type { SignalingSockets } from "./signaling-sockets.ts";

/** What every route reads: seed data, the clock, limits and connected sockets. */
export interface EmulatorState {
  readonly registry: Registry;
  readonly now: () => number;
  readonly limits: OperationLimits;
  readonly sockets: SignalingSockets;
  /** Origin the returned endpoints point at; `undefined` means the incoming request's origin. */
  readonly endpointOrigin: string | undefined;
  /** Whether a join on `path` loses its SDP offer to an injected `drop-offer` fault. */
  readonly dropsOffer: (path: string) => boolean;
}

/** The per-request values the envelope hands to the routes (Hono bindings). */
export interface RequestBindings {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly text: string;
}
