import { Hono } from "hono";
import { demoDataSet } from "../fixtures/demo-data.ts";
import { awsErrorResponse, planeOf } from "./aws-error.ts";
import { type CallRecord, createCallLog } from "./call-log.ts";
import { withAwsCors } from "./cors.ts";
import { createRegistry, type DataSet } from "./data-set.ts";
import { type EnvelopeDeps, withEnvelope } from "./envelope.ts";
import { createHangs } from "./fault-effects.ts";
import { createFaultTable, type FaultSpec } from "./faults.ts";
import { createOperationLimits } from "./limits.ts";
import { type AdminControls, adminRoutes } from "./routes-admin.ts";
import { controlPlaneRoutes } from "./routes-control-plane.ts";
import { signalingRoutes } from "./routes-signaling.ts";
import { storageRoutes } from "./routes-storage.ts";
import { createSignalingConnector, type SignalingUpgrade } from "./signaling-connect.ts";
import { createSignalingSockets, type SignalingLifetimes } from "./signaling-sockets.ts";
import type { EmulatorState, RequestBindings } from "./state.ts";

/**
 * How an emulator is seeded and driven.
 *
 * @example
 * createEmulator({ now: () => DEMO_NOW, sleep: async () => {}, endpointOrigin: "http://127.0.0.1:8790" });
 */
export interface EmulatorOptions {
  /** Channels and credentials; default {@link demoDataSet}. */
  readonly dataSet?: DataSet;
  /** The emulator's clock in epoch ms (signature skew, token expiry, limits, `Date`); default `Date.now`. */
  readonly now?: () => number;
  /** How `latency` faults wait; default a timer. Tests inject one that resolves at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Origin (`http://host:port`) the returned endpoints point at; default the incoming request's origin. */
  readonly endpointOrigin?: string;
  /**
   * How long signaling connections live: closed after `idleMs` without a message either way, sent `GO_AWAY` and
   * closed after `maxMs`; default KVS's 10 minutes and 1 hour. Tests shorten them to try reconnect logic.
   */
  readonly signalingLifetimes?: SignalingLifetimes;
}

/**
 * A KVS emulator as a runtime-agnostic `fetch` handler, with its test controls.
 *
 * @example
 * const client = createClient({ credentials, controlPlaneEndpoint: "http://kvs.test", fetch: emulator.fetch });
 */
export interface Emulator {
  /** Answers any request: the KVS APIs, and the `/_emulator/` control endpoints. */
  fetch(request: Request): Promise<Response>;
  /** Decides a signaling WebSocket upgrade; the host runtime then hands over the socket. */
  connectSignaling(request: Request): Promise<SignalingUpgrade>;
  /** The calls answered (or dropped) so far, oldest first. */
  calls(): readonly CallRecord[];
  /** Resolves once `count` calls are logged (a hung request is logged when it starts hanging). */
  waitForCalls(count: number): Promise<readonly CallRecord[]>;
  clearCalls(): void;
  /** Arms a fault, persistent unless it has `times`. */
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Clears calls, faults, limits and viewer sessions; hung requests drop. Sockets stay connected. */
  reset(): void;
  /** Drops hung requests and closes every signaling socket. */
  close(): void;
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Creates a KVS emulator using only Web APIs, so it runs in Node, Deno, Bun and workerd.
 *
 * @example
 * const emulator = createEmulator({ now: () => DEMO_NOW });
 * const response = await emulator.fetch(signedRequest);
 * emulator.calls().at(-1)?.errorCode; // null
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const now = options.now ?? Date.now;
  const faults = createFaultTable();
  const state: EmulatorState = {
    registry: createRegistry(options.dataSet ?? demoDataSet()),
    now,
    limits: createOperationLimits(),
    sockets: createSignalingSockets(options.signalingLifetimes),
    endpointOrigin: options.endpointOrigin,
    dropsOffer: (path) => faults.dropsOffer(path),
  };
  const deps: EnvelopeDeps = {
    now,
    log: createCallLog(),
    faults,
    hangs: createHangs(),
    sleep: options.sleep ?? timerSleep,
  };

  const aws = new Hono<{ Bindings: RequestBindings }>()
    .route("/", controlPlaneRoutes(state))
    .route("/", storageRoutes(state))
    .route("/", signalingRoutes(state));
  aws.notFound((c) =>
    awsErrorResponse(
      {
        type: "UnknownOperationException",
        status: 404,
        message: `No operation at ${c.req.method} ${c.req.path}`,
      },
      planeOf(c.req.path),
    ),
  );
  aws.onError((error, c) => {
    console.error("kvs emulator: unexpected error", error);
    return awsErrorResponse(
      { type: "InternalFailure", status: 500, message: "An internal error has occurred." },
      planeOf(c.req.path),
    );
  });
  const awsFetch = withEnvelope(deps, async (request, bindings) => aws.fetch(request, bindings));

  const controls: AdminControls = {
    calls: () => deps.log.list(),
    clearCalls: () => deps.log.clear(),
    // the socket actions happen at once; every other fault is armed for the requests to come
    inject: (fault) => {
      if (fault.kind === "go-away") state.sockets.goAwayAll();
      else if (fault.kind === "idle-close") state.sockets.closeIdleAll();
      else deps.faults.inject(fault);
    },
    clearFaults: () => deps.faults.clear(),
    reset: () => {
      deps.log.clear();
      deps.faults.clear();
      state.limits.clear();
      deps.hangs.releaseAll();
    },
  };
  const admin = adminRoutes(controls);
  const emulator: Emulator = {
    ...controls,
    fetch: withAwsCors(async (request) =>
      new URL(request.url).pathname.startsWith("/_emulator/") ? admin.fetch(request) : awsFetch(request),
    ),
    connectSignaling: createSignalingConnector(state, deps),
    waitForCalls: (count) => deps.log.waitFor(count),
    close: () => {
      deps.hangs.releaseAll();
      state.sockets.closeAll();
    },
  };
  return emulator;
}
