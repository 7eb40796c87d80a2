import { createEmulator, type Emulator } from "./emulator/create-emulator.ts";
import { KvsEmulatorObject } from "./worker/emulator-object.ts";
import { serveInWorkerd } from "./worker/websocket-pair.ts";

/** The Durable Object namespace binding, reduced to what routing to the single emulator needs. */
interface EmulatorNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}

/** Worker bindings: `EMULATOR` (optional) is a namespace of {@link KvsEmulatorObject}. */
export interface EmulatorWorkerEnv {
  readonly EMULATOR?: EmulatorNamespace;
}

let isolateEmulator: Emulator | undefined;

/**
 * The emulator as a Worker (miniflare, `wrangler dev -c packages/testing/wrangler.toml`, the vitest
 * plugin) with the demo data and the isolate's clock. With the `EMULATOR` Durable Object binding every
 * request reaches one emulator, so joins can push SDP offers to signaling sockets; without it the
 * emulator lives in the isolate and signaling sockets cannot be written from other requests.
 *
 * @example
 * const response = await SELF.fetch("http://kvs.test/_emulator/calls");
 */
export default {
  async fetch(request: Request, env: EmulatorWorkerEnv = {}): Promise<Response> {
    if (env.EMULATOR) return env.EMULATOR.get(env.EMULATOR.idFromName("emulator")).fetch(request);
    isolateEmulator ??= createEmulator();
    return serveInWorkerd(isolateEmulator, request);
  },
};

export { KvsEmulatorObject };
