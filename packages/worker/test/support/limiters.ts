import { env } from "cloudflare:test";
import type { RateLimiter } from "../../src/limiter/rate-limiter.ts";

type Mode = "throw" | "hang" | "overloaded" | "retryable";

/** A `LIMITER` binding whose objects fail in one way; `stubs` counts the stubs asked for. */
export function brokenLimiter(mode: Mode): {
  namespace: DurableObjectNamespace<RateLimiter>;
  stubs: () => number;
} {
  let stubs = 0;
  const fail = (): Promise<never> => {
    if (mode === "hang") return new Promise<never>(() => {});
    const error = Object.assign(new Error("limiter failed"), {
      retryable: mode === "retryable",
      overloaded: mode === "overloaded",
    });
    return Promise.reject(error);
  };
  const namespace = {
    getByName: () => {
      stubs++;
      return { take: fail, join: fail };
    },
  };
  return { namespace: namespace as unknown as DurableObjectNamespace<RateLimiter>, stubs: () => stubs };
}

/** The real `LIMITER` binding, recording the name of every object asked for. */
export function countingLimiter(): { asked: string[]; namespace: DurableObjectNamespace<RateLimiter> } {
  const asked: string[] = [];
  const namespace = {
    getByName: (name: string) => {
      asked.push(name);
      return env.LIMITER.getByName(name);
    },
  } as unknown as DurableObjectNamespace<RateLimiter>;
  return { asked, namespace };
}
