/**
 * The runtime's WebSocket, reduced to what the emulator needs (Node `ws` and workerd both fit).
 *
 * @example
 * upgrade.accept({ send: (data) => ws.send(data), close: (code, reason) => ws.close(code, reason) });
 */
export interface SignalingSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A signaling connection's place on a channel: the master, or a viewer with its client id. */
export type SignalingPeer =
  | { readonly channelArn: string; readonly role: "master" }
  | { readonly channelArn: string; readonly role: "viewer"; readonly clientId: string };

/** How long a signaling connection lives, as KVS lets it: idle, and in any case. */
export interface SignalingLifetimes {
  /** Closed after this long without a message either way; KVS: 10 minutes. */
  readonly idleMs: number;
  /** Closed after this long whatever it does; KVS: 1 hour. */
  readonly maxMs: number;
  /** How long before that it is sent `GO_AWAY`, to reconnect in time; KVS: up to a minute. */
  readonly goAwayMs: number;
}

/** KVS's own lifetimes. */
export const KVS_SIGNALING_LIFETIMES: SignalingLifetimes = {
  idleMs: 10 * 60_000,
  maxMs: 60 * 60_000,
  goAwayMs: 60_000,
};

const MAX_TIMER_MS = 2 ** 31 - 1;

// a timer that never keeps the process alive on its own (Node, Deno and Bun have unref; workerd has none)
function timer(run: () => void, ms: number): ReturnType<typeof setTimeout> {
  const handle = setTimeout(run, ms);
  (handle as { unref?: () => void }).unref?.();
  return handle;
}

/** A registered socket: what the host calls when a message arrives, and when the socket has closed. */
export interface AttachedSocket {
  received(): void;
  closed(): void;
}

/** Who is connected to the signaling channels. */
export interface SignalingSockets {
  hasMaster(channelArn: string): boolean;
  /** Registers a socket, closing it once idle or too old. */
  attach(peer: SignalingPeer, socket: SignalingSocket): AttachedSocket;
  /** Sends to the peer's socket; `false` if that peer is not connected. */
  send(peer: SignalingPeer, data: string): boolean;
  /** Sends every connected socket `GO_AWAY` now, and closes it when its grace ends. */
  goAwayAll(): void;
  /** Closes every connected socket now, as an idle one is closed. */
  closeIdleAll(): void;
  closeAll(): void;
}

const keyOf = (peer: SignalingPeer): string =>
  peer.role === "master" ? `${peer.channelArn}|master` : `${peer.channelArn}|viewer|${peer.clientId}`;

/**
 * Creates an empty registry of signaling sockets. A second master is refused before it gets here; a
 * viewer reconnecting with the same client id replaces its old socket, as KVS does.
 *
 * @example
 * const sockets = createSignalingSockets();
 * const detach = sockets.attach({ channelArn, role: "master" }, socket);
 * sockets.send({ channelArn, role: "master" }, offerMessage);
 */
export function createSignalingSockets(
  lifetimes: SignalingLifetimes = KVS_SIGNALING_LIFETIMES,
): SignalingSockets {
  const { idleMs, maxMs, goAwayMs } = lifetimes;
  for (const ms of [idleMs, maxMs, goAwayMs]) {
    if (!(Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIMER_MS))
      throw new RangeError("invalid signaling lifetimes");
  }
  const sockets = new Map<string, SignalingSocket>();
  // per socket: what a message either way does (starts its idle time again), what ends its timers, and its endings
  const live = new Map<
    SignalingSocket,
    { touched(): void; dispose(): void; goAway(): void; idleClose(): void }
  >();
  return {
    hasMaster: (channelArn) => sockets.has(`${channelArn}|master`),
    attach: (peer, socket) => {
      const key = keyOf(peer);
      const previous = sockets.get(key);
      sockets.set(key, socket);
      if (previous !== undefined) {
        live.get(previous)?.dispose();
        previous.close(1000, "Replaced by a new connection with the same client id");
      }
      // the emulator forgets a socket as soon as it closes it, so a reconnect is never refused as a second master
      const end = (code: number, reason: string) => {
        dispose();
        socket.close(code, reason);
      };
      let idle = timer(() => end(1000, "Closed after a period of inactivity"), idleMs);
      const goAway = timer(
        () => socket.send(JSON.stringify({ messageType: "GO_AWAY" })),
        Math.max(0, maxMs - goAwayMs),
      );
      let ending = timer(() => end(1000, "The connection reached its maximum duration"), maxMs);
      const touched = () => {
        clearTimeout(idle);
        idle = timer(() => end(1000, "Closed after a period of inactivity"), idleMs);
      };
      const dispose = () => {
        for (const handle of [idle, goAway, ending]) clearTimeout(handle);
        live.delete(socket);
        if (sockets.get(key) === socket) sockets.delete(key);
      };
      const idleClose = () => end(1000, "Closed after a period of inactivity");
      const goAwayNow = () => {
        socket.send(JSON.stringify({ messageType: "GO_AWAY" }));
        clearTimeout(goAway);
        clearTimeout(ending);
        ending = timer(() => end(1000, "The connection reached its maximum duration"), goAwayMs);
      };
      live.set(socket, { touched, dispose, goAway: goAwayNow, idleClose });
      return { received: touched, closed: dispose };
    },
    send: (peer, data) => {
      const socket = sockets.get(keyOf(peer));
      socket?.send(data);
      if (socket !== undefined) live.get(socket)?.touched();
      return socket !== undefined;
    },
    goAwayAll: () => {
      for (const entry of [...live.values()]) entry.goAway();
    },
    closeIdleAll: () => {
      for (const entry of [...live.values()]) entry.idleClose();
    },
    closeAll: () => {
      const all = [...sockets.values()];
      for (const socket of all) live.get(socket)?.dispose();
      sockets.clear();
      for (const socket of all) socket.close(1001, "Emulator closing");
    },
  };
}
