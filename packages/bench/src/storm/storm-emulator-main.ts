/** @module Child-process entry: the emulator with the storm's channels (count in argv), until stdin closes. */
import process from "node:process";
import { serveUntilParentLeaves } from "../load/emulator-child.ts";
import { stormDataSet } from "./storm-fleet.ts";

const channels = Number(process.argv[2]);
if (!Number.isInteger(channels) || channels < 1) {
  console.error(`storm emulator: channel count must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}
await serveUntilParentLeaves(stormDataSet(channels));
