/** @module The JSON body of a successful answer, checked against the service model. */
import type * as z from "zod/mini";
import { KvsError } from "../errors/kvs-error.ts";
import { parseJsonObject } from "../utils/json.ts";
import type { Answer } from "./transport.ts";

/** Parses `answer`'s body with `rule`; a body that is not JSON or breaks the rule is a server fault. */
export function answerBody<T>(answer: Answer, rule: z.ZodMiniType<T>, failure: string): T {
  const parsed = rule.safeParse(parseJsonObject(answer.body));
  if (!parsed.success) {
    throw new KvsError("UnknownError", { message: failure, fault: "server", requestId: answer.requestId });
  }
  return parsed.data;
}
