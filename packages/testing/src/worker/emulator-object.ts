import { createEmulator } from "../emulator/create-emulator.ts";
import { serveInWorkerd } from "./websocket-pair.ts";

/**
 * A Durable Object holding one emulator. workerd lets a socket accepted in one request be written from
 * another only inside a Durable Object, so the SDP offer a join triggers needs the emulator to live here.
 *
 * @example
 * // wrangler.toml: [[durable_objects.bindings]] name = "EMULATOR", class_name = "KvsEmulatorObject"
 * const stub = env.EMULATOR.get(env.EMULATOR.idFromName("emulator"));
 * await stub.fetch(request);
 */
export class KvsEmulatorObject {
  #emulator = createEmulator();

  async fetch(request: Request): Promise<Response> {
    return serveInWorkerd(this.#emulator, request);
  }
}
