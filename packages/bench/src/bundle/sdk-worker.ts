/**
 * @module Bench fixture: the smallest Worker that joins a storage session through the AWS SDK v3 client,
 * for comparing bundle sizes with the proxy. It is never deployed or run.
 */
import {
  JoinStorageSessionCommand,
  KinesisVideoWebRTCStorageClient,
} from "@aws-sdk/client-kinesis-video-webrtc-storage";

interface SdkWorkerEnv {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  WEBRTC_ENDPOINT: string;
}

export default {
  async fetch(request: Request, env: SdkWorkerEnv): Promise<Response> {
    const { channelArn } = (await request.json()) as { channelArn: string };
    const client = new KinesisVideoWebRTCStorageClient({
      region: channelArn.split(":")[3] ?? "us-west-2",
      endpoint: env.WEBRTC_ENDPOINT,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const output = await client.send(new JoinStorageSessionCommand({ channelArn }));
    return new Response(null, { headers: { "x-amzn-RequestId": output.$metadata.requestId ?? "" } });
  },
};
