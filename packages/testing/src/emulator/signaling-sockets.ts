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

/** Who is connected to the signaling channels. */
export interface SignalingSockets {
  hasMaster(channelArn: string): boolean;
  /** Registers a socket; returns the function that unregisters it when it closes. */
  attach(peer: SignalingPeer, socket: SignalingSocket): () => void;
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
export function createSignalingSockets(): SignalingSockets {
  const sockets = new Map<string, SignalingSocket>();
  return {
    hasMaster: (channelArn) => sockets.has(`${channelArn}|master`),
    attach: (peer, socket) => {
      const key = keyOf(peer);
      const previous = sockets.get(key);
      sockets.set(key, socket);
      previous?.close(1000, "Replaced by a new connection with the same client id");
      return () => {
        if (sockets.get(key) === socket) sockets.delete(key);
      };
    },
    send: (peer, data) => {
      const socket = sockets.get(keyOf(peer));
      socket?.send(data);
      return socket !== undefined;
    },
    closeAll: () => {
      const all = [...sockets.values()];
      sockets.clear();
      for (const socket of all) socket.close(1001, "Emulator closing");
    },
  };
}
