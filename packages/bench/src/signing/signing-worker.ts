/** @module Entry for workerd: `GET /?plan=<json>&group=<group>` runs the same loop and answers its result as JSON. */
import { measureSigning, type SigningPlan } from "./measure-signing.ts";
import type { SignerGroup } from "./signer-names.ts";

export default {
  async fetch(request: Request): Promise<Response> {
    const query = new URL(request.url).searchParams;
    const plan = JSON.parse(query.get("plan") ?? "{}") as SigningPlan;
    const group = (query.get("group") ?? "parts") as SignerGroup;
    return Response.json(await measureSigning("workerd", plan, group));
  },
};
