/** @module The core smoke suite as a browser page runs it: against the emulator named in `?emulator=`. */
import { remoteTarget, runCoreSmoke } from "../runtime-smoke.ts";

const origin = new URL(location.href).searchParams.get("emulator") ?? "";
// the test reads the results off the page once they are there
Reflect.set(globalThis, "smokeResults", await runCoreSmoke(remoteTarget(origin)));
