import { CHANNEL_ARN_PATTERN, NAME_PATTERN, parseChannelArn } from "./arn.ts";
import { authFailureToError } from "./auth-failure.ts";
import { authenticate, expectedRegions } from "./authenticate.ts";
import { type AwsError, awsErrorResponse, channelNotFound, invalidArgument } from "./aws-error.ts";
import { type EnvelopeDeps, startCall } from "./envelope.ts";
import type { SignalingPeer, SignalingSocket } from "./signaling-sockets.ts";
import type { EmulatorState } from "./state.ts";

/** A live signaling connection, told by the host runtime when a message arrives and when its socket closes. */
export interface SignalingConnection {
  received(): void;
  closed(): void;
}

/**
 * The answer to a WebSocket upgrade: accept it (then hand over the socket) or refuse with a response.
 *
 * @example
 * const upgrade = await emulator.connectSignaling(request);
 * if (!upgrade.ok) return upgrade.response;
 */
export type SignalingUpgrade =
  | { readonly ok: true; readonly peer: SignalingPeer; accept(socket: SignalingSocket): SignalingConnection }
  | { readonly ok: false; readonly response: Response };

/** The outcome of checking a ConnectAsMaster / ConnectAsViewer request. */
export type ConnectDecision =
  | { readonly ok: true; readonly peer: SignalingPeer }
  | { readonly ok: false; readonly error: AwsError };

const EMPTY = new Uint8Array(0);
const CONNECT_THROTTLED: AwsError = {
  type: "ClientLimitExceededException",
  status: 400,
  message: "Your request has been throttled because you have exceeded the limit of allowed client calls.",
};
const SECOND_MASTER: AwsError = {
  type: "AccessDeniedException",
  status: 403,
  message: "A master is already connected to this signaling channel.",
};

/**
 * Checks a signaling WebSocket request: a SigV4 query signature (never a header), the channel, the
 * viewer's client id, and that a master connects only once.
 *
 * @example
 * const decision = await authorizeConnect(state, request);
 */
export async function authorizeConnect(state: EmulatorState, request: Request): Promise<ConnectDecision> {
  const query = new URL(request.url).searchParams;
  if (!query.has("X-Amz-Algorithm"))
    return { ok: false, error: authFailureToError({ kind: "missing-token" }) };
  const channelArn = query.get("X-Amz-ChannelARN") ?? "";
  const auth = await authenticate(state, request, EMPTY, expectedRegions(state, { arn: channelArn }));
  if (!auth.ok) return auth;
  if (!parseChannelArn(channelArn)) {
    return {
      ok: false,
      error: invalidArgument(
        `1 validation error detected: Value '${channelArn}' at 'channelARN' failed to satisfy constraint: Member must satisfy regular expression pattern: ${CHANNEL_ARN_PATTERN}`,
      ),
    };
  }
  const channel = state.registry.channelByArn(channelArn);
  if (!channel) return { ok: false, error: channelNotFound() };
  const clientId = query.get("X-Amz-ClientId");
  if (
    !state.limits.admitCall(
      clientId === null ? "connect-as-master" : "connect-as-viewer",
      channel,
      state.now(),
    )
  ) {
    return { ok: false, error: CONNECT_THROTTLED };
  }
  if (clientId === null) {
    return state.sockets.hasMaster(channelArn)
      ? { ok: false, error: SECOND_MASTER }
      : { ok: true, peer: { channelArn, role: "master" } };
  }
  if (clientId.length > 256 || !new RegExp(NAME_PATTERN).test(clientId)) {
    return { ok: false, error: invalidArgument(`The client id '${clientId}' is not valid.`) };
  }
  return { ok: true, peer: { channelArn, role: "viewer", clientId } };
}

/**
 * Creates the emulator's `connectSignaling`: decides an upgrade, logs it like any call, and registers
 * the socket the host runtime hands over.
 *
 * @example
 * const upgrade = await connectSignaling(request);
 * if (!upgrade.ok) return upgrade.response;
 * const connection = upgrade.accept(socket);
 * socket.onclose = () => connection.closed();
 */
export function createSignalingConnector(
  state: EmulatorState,
  deps: EnvelopeDeps,
): (request: Request) => Promise<SignalingUpgrade> {
  return async (request) => {
    const call = startCall(deps, request, "");
    const decision = await authorizeConnect(state, request);
    if (!decision.ok) {
      call.finish(decision.error.status, decision.error.type, null);
      return { ok: false, response: call.stamp(awsErrorResponse(decision.error, "signaling")) };
    }
    call.finish(101, null, null);
    const { peer } = decision;
    return {
      ok: true,
      peer,
      accept: (socket) => {
        if (peer.role === "master" && state.sockets.hasMaster(peer.channelArn)) {
          socket.close(1008, SECOND_MASTER.message);
          return { received: () => {}, closed: () => {} };
        }
        return state.sockets.attach(peer, socket);
      },
    };
  };
}
