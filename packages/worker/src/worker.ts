/**
 * @module The proxy Worker, as wrangler.toml's `main` deploys it. Its request path reads top to bottom here:
 * request log → CORS → exact route → body limits → configuration → tenant → the operation (validate, authorize,
 * rate-limit, forward) → AWS-shaped errors.
 */
import { Context, type MiddlewareHandler } from "hono";
import { getPath } from "hono/utils/url";
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

// hono middleware in hono's default environment: each step is typed by the part of the context it reads
type Step = MiddlewareHandler;

// the operation's name in the log line, from after the body checks on (a 413 or 415 names none)
const named =
  (name: string): MiddlewareHandler<{ Variables: RequestVariables }> =>
  async (c, next) => {
    c.get("log").operation = name;
    await next();
  };

// a tenant's route: body limits, the name it is logged under, configuration, the tenant, then its handler
const tenantRoute = (name: string, handler: Step): Step[] => [
  jsonBody(),
  named(name),
  configuration(),
  tenantAuth(),
  handler,
];
const proxied = (proxiedOperation: Operation): Step[] =>
  tenantRoute(proxiedOperation.name, operation(proxiedOperation));

// every request, routed or not, is logged and gets its CORS answer (which ends a preflight)
const EVERY_REQUEST: readonly Step[] = [requestLog(), tenantCors()];

// a route's whole chain, built once: every request's steps, then the route's own
const chain = (steps: readonly Step[]): readonly Step[] => [...EVERY_REQUEST, ...steps];

// by method and exact path: AWS operation paths take no trailing slash and no other case
const ROUTES: ReadonlyMap<string, readonly Step[]> = new Map([
  ["GET /healthz", chain([healthz])],
  ["POST /joinStorageSession", chain(proxied(joinOperation))],
  ["POST /joinStorageSessionAsViewer", chain(proxied(viewerJoinOperation))],
  ["POST /v1/device-session", chain(proxied(deviceSessionOperation))],
  ["POST /v1/tokens", chain(tenantRoute("MintToken", mintToken()))],
]);

const UNKNOWN_OPERATION = chain([async (c) => reject(c, { kind: "unknown-operation" })]);

// hono's middleware contract: a step answers by returning a response (unless a later step already answered) or
// calls `next` for the rest; a throw is an AWS rest-json InternalFailure where it happened, logged by name only
// (messages of unexpected errors may quote anything)
async function run(c: Context, steps: readonly Step[], index = 0): Promise<void> {
  const step = steps[index];
  if (step === undefined) return;
  try {
    const response = await step(c, () => run(c, steps, index + 1));
    if (response instanceof Response && !c.finalized) c.res = response;
  } catch (error) {
    c.res = reject(c, { kind: "internal", detail: error instanceof Error ? error.name : typeof error });
  }
}

// hono's app and router would add ~2 KB gz for five static routes; its Context, path and middleware remain
async function handleRequest(request: Request, env: Env, executionCtx: ExecutionContext): Promise<Response> {
  // percent-decoded as hono's router matched it
  const path = getPath(request);
  // HEAD is GET without the body, as hono answers it
  const method = request.method === "HEAD" ? "GET" : request.method;
  const c = new Context(request, { env, executionCtx, path });
  await run(c, ROUTES.get(`${method} ${path}`) ?? UNKNOWN_OPERATION);
  return request.method === "HEAD" ? new Response(null, c.res) : c.res;
}

export default { fetch: handleRequest } satisfies ExportedHandler<Env>;
