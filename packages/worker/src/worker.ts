/**
 * @module The proxy Worker, as wrangler.toml's `main` deploys it. Its request path reads top to bottom here:
 * request log → exact path → body limits → configuration → tenant → the operation (validate, authorize,
 * rate-limit, forward) → AWS-shaped errors.
 */
import type { MiddlewareHandler } from "hono";
import { HonoBase as Hono } from "hono/hono-base";
import { PatternRouter } from "hono/router/pattern-router";
import { configuration } from "./config/config.ts";
import { healthz } from "./config/healthz.ts";
import type { Env } from "./env.ts";
import { jsonBody, type RequestVariables, reject, requestLog } from "./http/request.ts";
import { deviceSessionOperation } from "./operations/device-session.ts";
import { joinOperation, viewerJoinOperation } from "./operations/join.ts";
import { mintToken } from "./operations/mint-token.ts";
import { type Operation, operation } from "./operations/operation.ts";
import { tenantCors } from "./tenant-auth/origins.ts";
import { tenantAuth } from "./tenant-auth/tenant-auth.ts";

export { RateLimiter } from "./limiter/rate-limiter.ts";

const OPERATIONS: Readonly<Record<string, Operation>> = {
  "/joinStorageSession": joinOperation,
  "/joinStorageSessionAsViewer": viewerJoinOperation,
  "/v1/device-session": deviceSessionOperation,
};

// the operation's name in the log line, from after the body checks on (a 413 or 415 names none)
const named =
  (name: string): MiddlewareHandler<{ Variables: RequestVariables }> =>
  async (c, next) => {
    c.var.log.operation = name;
    await next();
  };

function createApp(): Hono<{ Bindings: Env; Variables: RequestVariables }> {
  // the smallest router (~0.5 KB gz against RegExpRouter's 2): the routes are few and static, and every KB ships to the edge
  const app = new Hono<{ Bindings: Env; Variables: RequestVariables }>({ router: new PatternRouter() });
  app.use(requestLog());
  app.use(tenantCors());
  // PatternRouter would also match "/joinStorageSession/"; AWS operation paths are exact
  app.use(async (c, next) => (c.req.path.endsWith("/") ? reject(c, { kind: "unknown-operation" }) : next()));
  app.get("/healthz", healthz);
  for (const [path, proxied] of Object.entries(OPERATIONS)) {
    app.post(path, jsonBody(), named(proxied.name), configuration(), tenantAuth(), operation(proxied));
  }
  app.post("/v1/tokens", jsonBody(), named("MintToken"), configuration(), tenantAuth(), mintToken());
  app.notFound((c) => reject(c, { kind: "unknown-operation" }));
  // every error is an AWS rest-json error; only its name is logged: messages of unexpected errors may quote anything
  app.onError((error, c) => reject(c, { kind: "internal", detail: error.name }));
  return app;
}

export default { fetch: createApp().fetch } satisfies ExportedHandler<Env>;
