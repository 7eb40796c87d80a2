export { type RunningEmulator, type StartEmulatorOptions, startEmulator } from "./start-emulator.ts";
