import { HonoBase as Hono } from "hono/hono-base";
import { PatternRouter } from "hono/router/pattern-router";
import type { AppEnv } from "./http/app-env.ts";
import { jsonBody } from "./http/json-body.ts";
import { reject } from "./http/reject.ts";
import { requestLog } from "./http/request-log.ts";
import { deviceSessionOperation } from "./routes/device-session.ts";
import { healthz } from "./routes/healthz.ts";
import { joinOperation, viewerJoinOperation } from "./routes/join.ts";
import { operationHandler } from "./routes/operation.ts";

/**
 * The proxy's Hono application: AWS-compatible operation routes, `/v1/device-session` and `/healthz`;
 * everything else is a 404 `UnknownOperationException`, every error an AWS rest-json error.
 *
 * @example
 * ```ts
 * export default { fetch: createApp().fetch } satisfies ExportedHandler<Env>;
 * ```
 */
export function createApp(): Hono<AppEnv> {
  // the smallest router (~0.5 KB gz against RegExpRouter's 2): the routes are few and static, and every KB ships to the edge
  const app = new Hono<AppEnv>({ router: new PatternRouter() });
  app.use(requestLog());
  // PatternRouter would also match "/joinStorageSession/"; AWS operation paths are exact
  app.use(async (c, next) => (c.req.path.endsWith("/") ? reject(c, { kind: "unknown-operation" }) : next()));
  app.get("/healthz", healthz);
  app.post("/joinStorageSession", jsonBody(), operationHandler(joinOperation));
  app.post("/joinStorageSessionAsViewer", jsonBody(), operationHandler(viewerJoinOperation));
  app.post("/v1/device-session", jsonBody(), operationHandler(deviceSessionOperation));
  app.notFound((c) => reject(c, { kind: "unknown-operation" }));
  // Only the error's name is logged: messages of unexpected errors may quote anything.
  app.onError((error, c) => reject(c, { kind: "internal", detail: error.name }));
  return app;
}
