import type { Config } from "../config/config.ts";
import { kvsClientFor } from "../upstream/kvs-clients.ts";
import { forwardingFailed } from "../upstream/upstream-failure.ts";
import { type OperationInput, parseJoin, parseViewerJoin } from "./inputs.ts";
import type { Forwarded, Operation } from "./operation.ts";

/**
 * `POST /joinStorageSession`: the master joins the channel's storage session. Sent upstream exactly
 * once (core re-signs once after a clock-skew error); AWS's request id is passed back, as AWS answers.
 *
 * @example
 * ```ts
 * app.post("/joinStorageSession", jsonBody(), operationHandler(joinOperation));
 * ```
 */
export const joinOperation: Operation = {
  name: "JoinStorageSession",
  limit: "join",
  parse: parseJoin,
  forward: ({ config, input }) => join(config, input),
};

/**
 * `POST /joinStorageSessionAsViewer`: a viewer (by `clientId`) joins the storage session.
 *
 * @example
 * ```ts
 * app.post("/joinStorageSessionAsViewer", jsonBody(), operationHandler(viewerJoinOperation));
 * ```
 */
export const viewerJoinOperation: Operation = {
  name: "JoinStorageSessionAsViewer",
  limit: "join",
  parse: parseViewerJoin,
  forward: ({ config, input }) => join(config, input),
};

async function join(config: Config, input: OperationInput): Promise<Forwarded> {
  const client = kvsClientFor(config, input.channel.region);
  const signal = AbortSignal.timeout(config.upstreamTimeoutMs);
  const channelArn = input.channel.arn;
  try {
    const { requestId } =
      input.clientId === undefined
        ? await client.joinStorageSession({ channelArn }, { signal })
        : await client.joinStorageSessionAsViewer({ channelArn, clientId: input.clientId }, { signal });
    const response = new Response(null, { status: 200, headers: { "x-amzn-RequestId": requestId } });
    return { ok: true, response, upstreamStatus: 200, upstreamRequestId: requestId };
  } catch (error) {
    return forwardingFailed(error);
  }
}
