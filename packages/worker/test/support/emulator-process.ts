/** @module Runs the emulator's Node server on an ephemeral port for global-setup.ts; prints its URL. */
import { startEmulator } from "@kvs-webrtc-storage/testing/server";

const emulator = await startEmulator({ port: 0 });
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
const stop = () => void emulator.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The parent holds stdin open; if it dies without signalling, stdin ends and so does the emulator.
process.stdin.on("end", stop);
process.stdin.resume();
