/** What an injected fault does to a request. */
export type Fault =
  /** Waits `ms` (through the emulator's `sleep`) and then answers normally or applies the next fault. */
  | { readonly kind: "latency"; readonly ms: number }
  /** Never answers, until the emulator is reset or closed (then the connection drops). */
  | { readonly kind: "hang" }
  /** A 5xx from in front of the service: AWS JSON, a load balancer's HTML page, or no body. */
  | { readonly kind: "server-error"; readonly status?: number; readonly body?: "json" | "html" | "empty" }
  /** Drops the connection (the Node server destroys the socket; `fetch` rejects with a network error). */
  | { readonly kind: "reset" }
  /** 400 ClientLimitExceededException, as KVS throttles. */
  | { readonly kind: "throttle" }
  /** A join still answers 200, but the storage session's SDP offer is never sent (a re-join loop's case). */
  | { readonly kind: "drop-offer" }
  /** At once: every connected signaling socket is sent `GO_AWAY`, and closed when its grace (`goAwayMs`) ends. */
  | { readonly kind: "go-away" }
  /** At once: every connected signaling socket is closed as KVS closes an idle one. */
  | { readonly kind: "idle-close" };

/** The kind of a fault. */
export type FaultKind = Fault["kind"];

/**
 * A fault and where it applies: `route` is a request path (`"/joinStorageSession"`), default every AWS
 * route; `times` makes it one-shot (`1`) or n-shot, default persistent.
 *
 * @example
 * emulator.inject({ kind: "server-error", status: 503, body: "html", route: "/joinStorageSession", times: 1 });
 */
export type FaultSpec = Fault & { readonly route?: string; readonly times?: number };

/** The faults currently armed. */
export interface FaultTable {
  inject(spec: FaultSpec): void;
  /**
   * The faults a request for `path` meets, in injection order: every matching latency up to the first
   * other matching fault, which decides the answer. Only these count against their `times`.
   */
  take(path: string): readonly Fault[];
  /** Whether a join on `path` loses its SDP offer to an armed `drop-offer` (which then counts against its times). */
  dropsOffer(path: string): boolean;
  clear(): void;
}

interface Armed {
  readonly spec: FaultSpec;
  remaining: number;
}

/**
 * Creates an empty fault table.
 *
 * @example
 * const faults = createFaultTable();
 * faults.inject({ kind: "reset", times: 1 });
 * faults.take("/joinStorageSession"); // [{ kind: "reset", times: 1 }]
 */
export function createFaultTable(): FaultTable {
  let armed: Armed[] = [];
  return {
    inject: (spec) => {
      armed.push({ spec, remaining: spec.times ?? Number.POSITIVE_INFINITY });
    },
    take: (path) => {
      const used: Armed[] = [];
      for (const entry of armed) {
        const { route, kind } = entry.spec;
        // a dropped offer shapes no answer: only a join consults it, after answering; socket actions are never armed
        if (kind === "drop-offer" || kind === "go-away" || kind === "idle-close") continue;
        if (route !== undefined && route !== "*" && route !== path) continue;
        used.push(entry);
        if (kind !== "latency") break;
      }
      for (const entry of used) entry.remaining -= 1;
      armed = armed.filter((entry) => entry.remaining > 0);
      return used.map(({ spec }) => spec);
    },
    dropsOffer: (path) => {
      const entry = armed.find(
        ({ spec }) =>
          spec.kind === "drop-offer" &&
          (spec.route === undefined || spec.route === "*" || spec.route === path),
      );
      if (entry === undefined) return false;
      entry.remaining -= 1;
      armed = armed.filter((candidate) => candidate.remaining > 0);
      return true;
    },
    clear: () => {
      armed = [];
    },
  };
}
