/** @module Child-process entry: the emulator with the storm's channels (count in argv), until stdin closes. */
import process from "node:process";
import { startEmulator } from "@kvs-webrtc-storage/testing/server";
import { stormDataSet } from "./storm-fleet.ts";

const channels = Number(process.argv[2]);
if (!Number.isInteger(channels) || channels < 1) {
  console.error(`storm emulator: channel count must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}
const emulator = await startEmulator({ port: 0, host: "127.0.0.1", dataSet: stormDataSet(channels) });
let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  await emulator.close();
  process.exit(0);
};
// The parent holds stdin open; when it exits, however abruptly, stdin ends and so does the emulator.
process.stdin.on("end", () => void close());
process.stdin.resume();
process.on("SIGTERM", () => void close());
process.on("SIGINT", () => void close());
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
