import { Hono } from "hono";
import type { CallRecord } from "./call-log.ts";
import { parseFaultSpec } from "./fault-spec.ts";
import type { FaultSpec } from "./faults.ts";

/** The emulator operations the control endpoints expose. */
export interface AdminControls {
  calls(): readonly CallRecord[];
  clearCalls(): void;
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  reset(): void;
}

/**
 * The emulator-only control endpoints under `/_emulator/`: read and clear the call log, inject and
 * clear faults, reset everything.
 *
 * @example
 * await fetch(`${url}/_emulator/faults`, { method: "POST", body: JSON.stringify({ kind: "reset", times: 1 }) });
 */
export function adminRoutes(controls: AdminControls): Hono {
  const app = new Hono().basePath("/_emulator");
  app.get("/calls", (c) => c.json(controls.calls()));
  app.delete("/calls", (c) => {
    controls.clearCalls();
    return c.body(null, 204);
  });
  app.post("/faults", async (c) => {
    let input: unknown;
    try {
      input = await c.req.json();
    } catch {
      return c.json({ error: "body must be a JSON fault spec" }, 400);
    }
    const parsed = parseFaultSpec(input);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    controls.inject(parsed.spec);
    return c.json(parsed.spec, 201);
  });
  app.delete("/faults", (c) => {
    controls.clearFaults();
    return c.body(null, 204);
  });
  app.post("/reset", (c) => {
    controls.reset();
    return c.body(null, 204);
  });
  return app;
}
