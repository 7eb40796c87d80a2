/** @module The JSON body of a successful answer, checked against the service model. */
import { KvsError } from "../errors/kvs-error.ts";
import { parseJsonObject } from "../utils/json.ts";
import type { Answer } from "./transport.ts";

/** Reads `answer`'s JSON body with `read`; a body that is not JSON or lacks what it reads is a server fault. */
export function answerBody<T>(
  answer: Answer,
  read: (json: Record<string, unknown> | undefined) => T | undefined,
  failure: string,
): T {
  const value = read(parseJsonObject(answer.body));
  if (value === undefined) {
    throw new KvsError("UnknownError", { message: failure, fault: "server", requestId: answer.requestId });
  }
  return value;
}
