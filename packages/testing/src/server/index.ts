export { defaultTlsDir, type LocalTls, localTls } from "./local-tls.ts";
export { type RunningEmulator, type StartEmulatorOptions, startEmulator } from "./start-emulator.ts";
