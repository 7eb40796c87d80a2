/** @module Child-process entry: the emulator with the bench fleet, on its own core, until stdin closes. */
import process from "node:process";
import { startEmulator } from "@kvs-webrtc-storage/testing/server";
import { benchDataSet } from "./bench-fleet.ts";

const emulator = await startEmulator({ port: 0, host: "127.0.0.1", dataSet: benchDataSet() });
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
