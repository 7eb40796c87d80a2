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
  /** Sent `GO_AWAY` and closed after this long whatever it does; KVS: 1 hour. */
  readonly maxMs: number;
}

/** KVS's own lifetimes. */
export const KVS_SIGNALING_LIFETIMES: SignalingLifetimes = { idleMs: 10 * 60_000, maxMs: 60 * 60_000 };

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
  const sockets = new Map<string, SignalingSocket>();
  // every message, either way, starts the socket's idle time again
  const activity = new Map<SignalingSocket, () => void>();
  return {
    hasMaster: (channelArn) => sockets.has(`${channelArn}|master`),
    attach: (peer, socket) => {
      const key = keyOf(peer);
      const previous = sockets.get(key);
      sockets.set(key, socket);
      previous?.close(1000, "Replaced by a new connection with the same client id");
      let idle = setTimeout(
        () => socket.close(1000, "Closed after a period of inactivity"),
        lifetimes.idleMs,
      );
      const touched = () => {
        clearTimeout(idle);
        idle = setTimeout(() => socket.close(1000, "Closed after a period of inactivity"), lifetimes.idleMs);
      };
      activity.set(socket, touched);
      const ending = setTimeout(() => {
        socket.send(JSON.stringify({ messageType: "GO_AWAY", messagePayload: "" }));
        socket.close(1000, "The connection reached its maximum duration");
      }, lifetimes.maxMs);
      return {
        received: touched,
        closed: () => {
          clearTimeout(idle);
          clearTimeout(ending);
          activity.delete(socket);
          if (sockets.get(key) === socket) sockets.delete(key);
        },
      };
    },
    send: (peer, data) => {
      const socket = sockets.get(keyOf(peer));
      socket?.send(data);
      if (socket !== undefined) activity.get(socket)?.();
      return socket !== undefined;
    },
    closeAll: () => {
      const all = [...sockets.values()];
      sockets.clear();
      for (const socket of all) socket.close(1001, "Emulator closing");
    },
  };
}
