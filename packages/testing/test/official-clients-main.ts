/**
 * @module Official clients, unmodified, against the emulator over TLS (run with NODE_EXTRA_CA_CERTS naming its CA):
 * the KVS WebRTC JS SDK signs and opens the master's signaling connection, the AWS SDK v3 joins the storage session,
 * and the SDK's SignalingClient receives the storage session's SDP offer. Prints one line per step.
 */
import {
  JoinStorageSessionCommand,
  KinesisVideoWebRTCStorageClient,
} from "@aws-sdk/client-kinesis-video-webrtc-storage";
import { Role, SignalingClient, SigV4RequestSigner } from "amazon-kinesis-video-streams-webrtc";
import { DEMO_CHANNELS, DEMO_CREDENTIALS } from "../src/fixtures/demo-data.ts";

const origin = process.env.EMULATOR_URL ?? "";
const region = DEMO_CHANNELS.demoCamera.region;
const channelARN = DEMO_CHANNELS.demoCamera.arn;
const credentials = DEMO_CREDENTIALS.operator;
const signer = new SigV4RequestSigner(region, credentials);

// what the SDK does with the plain emulator: it refuses anything but wss://
await signer.getSignedURL(origin.replace(/^https/, "ws"), {}).catch((error: Error) => {
  console.log(`ws refused: ${error.message}`);
});
const timeout = setTimeout(() => {
  console.log("no offer within 20 s");
  process.exit(1);
}, 20_000);
const signaling = new SignalingClient({
  channelARN,
  channelEndpoint: origin.replace(/^https/, "wss"),
  role: Role.MASTER,
  region,
  requestSigner: signer,
});
signaling.on("error", (error: unknown) => console.log(`signaling error: ${String(error)}`));
signaling.on("open", async () => {
  console.log("signaling open");
  const storage = new KinesisVideoWebRTCStorageClient({ region, endpoint: origin, credentials });
  const joined = await storage.send(new JoinStorageSessionCommand({ channelArn: channelARN }));
  console.log(`joined: ${joined.$metadata.httpStatusCode}`);
});
signaling.on("sdpOffer", (offer: { type: string; sdp: string }) => {
  console.log(`SDP offer received: ${offer.type}, ${offer.sdp.length} bytes`);
  clearTimeout(timeout);
  signaling.close();
});
signaling.open();
