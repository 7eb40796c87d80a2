/** @module Entry for workerd: `GET /?plan=<json>` runs the same loop and answers its result as JSON. */
import { measureSigning, type SigningPlan } from "./measure-signing.ts";

export default {
  async fetch(request: Request): Promise<Response> {
    const plan = JSON.parse(new URL(request.url).searchParams.get("plan") ?? "{}") as SigningPlan;
    return Response.json(await measureSigning("workerd", plan));
  },
};
