/**
 * @module CORS as AWS's KVS endpoints answer it, so browser pages can call the emulator exactly as they call AWS:
 * preflights answered without credentials, any origin, the headers AWS SDKs sign, and AWS's response headers
 * readable by the page.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";

/** The request headers AWS's endpoints allow from browsers: what SigV4 and the AWS SDKs send. */
export const AWS_CORS_ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "X-Amz-Date",
  "X-Amz-Security-Token",
  "X-Amz-Content-Sha256",
  "X-Amz-User-Agent",
  "X-Amz-Target",
  "amz-sdk-invocation-id",
  "amz-sdk-request",
] as const;

/** The response headers a page may read: AWS's request id and error type, and its date for clock skew. */
export const AWS_CORS_EXPOSED_HEADERS = [
  "x-amzn-RequestId",
  "x-amzn-ErrorType",
  "x-amzn-ErrorMessage",
  "Date",
] as const;

/**
 * Wraps a `fetch` handler in CORS: a preflight is answered here (never signed, never logged as a call), and every
 * other answer, errors included, carries `Access-Control-Allow-Origin: *` and the exposed headers.
 *
 * @example
 * const fetch = withAwsCors((request) => app.fetch(request));
 */
export function withAwsCors(
  handle: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  const app = new Hono();
  app.use(
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
      allowHeaders: [...AWS_CORS_ALLOWED_HEADERS],
      exposeHeaders: [...AWS_CORS_EXPOSED_HEADERS],
      maxAge: 86_400,
    }),
  );
  // a handler that throws (an injected reset or hang ending) must throw to the host, not become a 500 here
  const thrown = new WeakMap<Request, { error: unknown }>();
  app.all("*", async (c) => {
    try {
      const answer = await handle(c.req.raw);
      // a copy, so its headers take the CORS fields whatever made the answer
      return new Response(answer.body, answer);
    } catch (error) {
      thrown.set(c.req.raw, { error });
      return new Response(null, { status: 500 });
    }
  });
  return async (request) => {
    const response = await app.fetch(request);
    const failure = thrown.get(request);
    if (failure !== undefined) throw failure.error;
    return response;
  };
}
