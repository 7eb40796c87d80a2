/**
 * @module `POST /joinStorageSession` and `POST /joinStorageSessionAsViewer`: sent upstream exactly once (core
 * re-signs once after a clock-skew error); AWS's request id is passed back, as AWS answers.
 */
import {
  isKvsError,
  parseJoinStorageSessionAsViewerInput,
  parseJoinStorageSessionInput,
} from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";
import { fail, ok, upstreamFailure } from "../errors/errors.ts";
import { kvsClientFor } from "../upstream/kvs-clients.ts";
import { isJoinNotSent, upstreamCallMs } from "../upstream/send-gate.ts";
import { channelInput, type Forwarded, type Operation, type OperationInput } from "./operation.ts";

/**
 * The master joins the channel's storage session.
 *
 * @example
 * app.post("/joinStorageSession", jsonBody(), configuration(), tenantAuth(), operation(joinOperation));
 */
export const joinOperation: Operation = {
  name: "JoinStorageSession",
  limit: "join",
  parse: (body) =>
    channelInput(() => ({ channelArn: parseJoinStorageSessionInput(body).channelArn, role: "MASTER" })),
  forward: join,
};

/**
 * A viewer (by `clientId`) joins the channel's storage session.
 *
 * @example
 * app.post("/joinStorageSessionAsViewer", jsonBody(), configuration(), tenantAuth(), operation(viewerJoinOperation));
 */
export const viewerJoinOperation: Operation = {
  name: "JoinStorageSessionAsViewer",
  limit: "join",
  parse: (body) => channelInput(() => ({ ...parseJoinStorageSessionAsViewerInput(body), role: "VIEWER" })),
  forward: join,
};

async function join(config: Config, input: OperationInput): Promise<Forwarded> {
  const client = kvsClientFor(config, input.channel.region);
  const signal = AbortSignal.timeout(upstreamCallMs(config));
  const channelArn = input.channel.arn;
  try {
    const { requestId } =
      input.clientId === undefined
        ? await client.joinStorageSession({ channelArn }, { signal })
        : await client.joinStorageSessionAsViewer({ channelArn, clientId: input.clientId }, { signal });
    const response = new Response(null, { status: 200, headers: { "x-amzn-RequestId": requestId } });
    return { ...ok(response), upstreamStatus: 200, upstreamRequestId: requestId };
  } catch (error) {
    const notSent = isKvsError(error) ? error.cause : undefined;
    if (isJoinNotSent(notSent)) return fail({ kind: "join-not-sent", retryAfterMs: notSent.retryAfterMs });
    return upstreamFailure(error);
  }
}
