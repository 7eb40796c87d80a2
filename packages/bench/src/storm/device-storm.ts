/** @module The storm itself: every device starts within a short spread and asks the proxy until a 200, as told. */
import { Agent, request } from "node:http";
import { onCleanup } from "../runtime/cleanup.ts";
import { nextStep, type RetryFields } from "./retry-advice.ts";
import type { StormDevice, StormRole } from "./storm-fleet.ts";

/** How one device fared; times are `performance.now()` ms. */
export interface DeviceOutcome {
  role: StormRole;
  firstRequestAt: number;
  /** When its 200 ended; `undefined` if it never joined before the deadline (or gave up). */
  joinedAt: number | undefined;
  requests: number;
  gaveUp: boolean;
}

/** Every answer of the run, by what it was. */
export interface AnswerCounts {
  /** By HTTP status (0: network error or cut at the deadline). */
  byStatus: Record<string, number>;
  /** 429s of the proxy's own limiter ("Rate limit exceeded"). */
  limiterRefusals: number;
  /** 429s passing on an upstream throttle ("The service is throttling"). */
  upstreamThrottles: number;
  /** 503s of joins the proxy's send gate never sent ("The join was not sent"); other 503s are the limiter's. */
  joinsNotSent: number;
}

/** A finished storm: when it started, each device, and the answers. */
export interface DeviceStormRun {
  startedAt: number;
  deadlineAt: number;
  devices: DeviceOutcome[];
  answers: AnswerCounts;
}

interface Answer extends RetryFields {
  status: number;
  message: string;
  endedAt: number;
}

/** How the storm runs: devices start evenly within `spreadMs`; nothing is sent after `deadlineMs`. */
export interface DeviceStormPlan {
  spreadMs: number;
  deadlineMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Runs every device against `origin` (loopback http), at most one request in flight each, over one
 * agent with a socket per device (a held request keeps its socket for seconds). At the deadline every
 * request still open is cut and its device counts as not joined.
 *
 * @example
 * ```ts
 * const run = await runDeviceStorm(proxyOrigin, stormDevices(400), { spreadMs: 100, deadlineMs: 42_000 });
 * ```
 */
export async function runDeviceStorm(
  origin: string,
  devices: readonly StormDevice[],
  plan: DeviceStormPlan,
): Promise<DeviceStormRun> {
  const url = new URL(origin);
  if (url.protocol !== "http:" || url.hostname !== "127.0.0.1") throw new Error(`not loopback: ${origin}`);
  const sockets = Math.max(1, devices.length);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const closeAgent = onCleanup(() => agent.destroy());
  const answers: AnswerCounts = { byStatus: {}, limiterRefusals: 0, upstreamThrottles: 0, joinsNotSent: 0 };
  const send = (device: StormDevice): Promise<Answer> =>
    new Promise((resolve) => {
      const failed = () =>
        resolve({ status: 0, message: "", retryAfter: null, rateLimit: null, endedAt: performance.now() });
      const headers = { ...device.headers, "content-length": String(Buffer.byteLength(device.body)) };
      const outgoing = request(
        { agent, host: url.hostname, port: Number(url.port), method: "POST", path: device.path, headers },
        (response) => {
          let text = "";
          response.setEncoding("utf8").on("data", (chunk: string) => {
            text += chunk;
          });
          response.once("error", failed);
          response.once("end", () => {
            const header = (name: string) => {
              const value = response.headers[name];
              return Array.isArray(value) ? value.join(", ") : (value ?? null);
            };
            resolve({
              status: response.statusCode ?? 0,
              message: text,
              retryAfter: header("retry-after"),
              rateLimit: header("ratelimit"),
              endedAt: performance.now(),
            });
          });
        },
      );
      outgoing.once("error", failed);
      outgoing.end(device.body);
    });
  const count = (answer: Answer) => {
    answers.byStatus[answer.status] = (answers.byStatus[answer.status] ?? 0) + 1;
    if (answer.status === 503 && answer.message.includes("not sent")) answers.joinsNotSent++;
    if (answer.status !== 429) return;
    if (answer.message.includes("throttling")) answers.upstreamThrottles++;
    else answers.limiterRefusals++;
  };
  // a little lead so the first device's start is not late while the loop schedules the others
  const startedAt = performance.now() + 20;
  const deadlineAt = startedAt + plan.deadlineMs;
  const cut = setTimeout(() => agent.destroy(), Math.max(0, deadlineAt - performance.now()));
  const runDevice = async (device: StormDevice, offsetMs: number): Promise<DeviceOutcome> => {
    await sleep(startedAt + offsetMs - performance.now());
    const outcome: DeviceOutcome = {
      role: device.role,
      firstRequestAt: performance.now(),
      joinedAt: undefined,
      requests: 0,
      gaveUp: false,
    };
    while (performance.now() < deadlineAt) {
      const answer = await send(device);
      outcome.requests++;
      count(answer);
      const step = nextStep(answer.status, answer);
      if (step.kind === "joined" && answer.endedAt <= deadlineAt) outcome.joinedAt = answer.endedAt;
      if (step.kind !== "retry") {
        outcome.gaveUp = step.kind === "give-up";
        break;
      }
      if (performance.now() + step.waitMs >= deadlineAt) break;
      await sleep(step.waitMs);
    }
    return outcome;
  };
  try {
    const spacing = plan.spreadMs / Math.max(1, devices.length);
    const outcomes = await Promise.all(devices.map((device, i) => runDevice(device, i * spacing)));
    return { startedAt, deadlineAt, devices: outcomes, answers };
  } finally {
    clearTimeout(cut);
    await closeAgent();
  }
}
