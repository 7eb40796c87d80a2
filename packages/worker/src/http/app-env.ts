import type { Context } from "hono";
import type { Env } from "../env.ts";
import type { RequestLog } from "./request-log.ts";

/** Hono typing for the proxy: Worker bindings plus the per-request variables set by middleware. */
export interface AppEnv {
  Bindings: Env;
  Variables: { requestId: string; log: RequestLog };
}

/** The Hono context of a proxy request. */
export type AppContext = Context<AppEnv>;
