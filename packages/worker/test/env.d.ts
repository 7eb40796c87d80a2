import type { Env as WorkerEnv } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      /** Origin of the emulator started by global-setup.ts. */
      TEST_EMULATOR_ORIGIN: string;
      /** Origin of the storage-session checks' own emulator (global-setup.ts). */
      TEST_SESSION_EMULATOR_ORIGIN: string;
    }
  }
}
