import { isKvsError } from "@kvs-webrtc-storage/core";
import { describe, it, onTestFinished, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { testEnv } from "../../test/support/worker.ts";
import { loadConfig } from "../config/config.ts";
import { isJoinNotSent, sendGateOf } from "./send-gate.ts";

const START = Date.UTC(2030, 0, 1);
let upstream: FakeUpstream;
frozenProxy(START, (fake) => {
  upstream = fake;
});

const arn = (name: string) => `arn:aws:kinesisvideo:us-west-2:111122223333:channel/${name}/1`;
const MASTER = "/joinStorageSession";

/**
 * The gate under a configuration, every wait it asks for recorded: over at once, or (`endless`) until aborted, or
 * (`passing`) over at once with the clock moved on by it.
 */
function gate(overrides: Parameters<typeof testEnv>[0] = {}, { endless = false, passing = false } = {}) {
  const config = loadConfig(testEnv(overrides));
  if (!config.ok) throw new Error(config.error.join("; "));
  const waits: number[] = [];
  onTestFinished(() => {
    vi.restoreAllMocks();
  });
  vi.spyOn(scheduler, "wait").mockImplementation(
    (delay, options) =>
      new Promise<void>((resolve, reject) => {
        waits.push(delay);
        if (passing) vi.setSystemTime(Date.now() + delay);
        if (!endless || delay === 250) setTimeout(resolve, 0);
        options?.signal?.addEventListener("abort", () => reject(options.signal?.reason));
      }),
  );
  const send = sendGateOf(config.value);
  const call = (path: string, channel: string, init: RequestInit = {}) =>
    send(`https://r-1.kinesisvideo.us-west-2.amazonaws.com${path}`, {
      method: "POST",
      body: JSON.stringify({ channelArn: arn(channel), ...(path === MASTER ? {} : { clientId: "phone" }) }),
      ...init,
    });
  // the waits for a time, without the rechecks (every 250 ms) of a join behind a quota of unanswered ones
  const timed = () => waits.filter((ms) => ms !== 250);
  return { waits, timed, call };
}

/** Joins answered only when the test says so (the clock is where the test put it then). */
function heldAnswers() {
  const pending: (() => void)[] = [];
  upstream.answer(
    MASTER,
    () => new Promise<Response>((resolve) => pending.push(() => resolve(new Response(null)))),
  );
  return {
    answerNext: async () => {
      pending.shift()?.();
      await new Promise((settled) => setTimeout(settled, 0));
    },
    get waiting() {
      return pending.length;
    },
  };
}

const at = (ms: number) => vi.setSystemTime(START + ms);

// lets pending work run, a turn at a time, until `done` (not vi.waitFor: it moves the frozen clock on)
async function settle(done: () => boolean, turns = 50): Promise<void> {
  for (let turn = 0; turn < turns && !done(); turn++) await new Promise((next) => setTimeout(next, 0));
}

// the wait a join not sent was told (core's call fails with the gate's KvsError), or undefined for any other error
const notSentFor = (error: unknown) =>
  isKvsError(error, "ServiceUnavailable") && isJoinNotSent(error.cause)
    ? error.cause.retryAfterMs
    : undefined;

describe("a join goes only when the join a quota before it was answered a window ago", () => {
  it("holds a channel's third join until a second after the answer to its first", async ({ expect }) => {
    const { waits, call } = gate();
    // two joins handed to fetch late (a busy isolate) and answered at 600; the third's slot came at 1050
    at(600);
    await Promise.all([call(MASTER, "cam"), call(MASTER, "cam")]);
    at(1050);
    await call(MASTER, "cam");
    expect(waits).toEqual([550]);
  });

  it("counts from the answer, not the send: a join AWS took late holds the next window's", async ({
    expect,
  }) => {
    const { waits, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "2" });
    const answers = heldAnswers();
    const sent = [call(MASTER, "a"), call(MASTER, "b")];
    await vi.waitFor(() => expect(answers.waiting).toBe(2));
    // the saturated upstream answers 400 ms after the send: the join may have arrived just before
    at(400);
    await answers.answerNext();
    await answers.answerNext();
    await Promise.all(sent);
    at(1050);
    const third = call(MASTER, "c");
    await vi.waitFor(() => expect(answers.waiting).toBe(1));
    await answers.answerNext();
    await third;
    expect(waits).toEqual([350]);
  });

  it("waits while a quota of joins is on its way, then goes a window after the first answer", async ({
    expect,
  }) => {
    const { timed, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "2" });
    const answers = heldAnswers();
    const first = [call(MASTER, "a"), call(MASTER, "b")];
    let thirdSent = false;
    const third = call(MASTER, "c").then(() => {
      thirdSent = true;
    });
    await vi.waitFor(() => expect(answers.waiting).toBe(2));
    expect(thirdSent).toBe(false);
    expect(upstream.callsTo(MASTER)).toHaveLength(2);
    at(300);
    await answers.answerNext();
    await vi.waitFor(() => expect(answers.waiting).toBe(2));
    await answers.answerNext();
    await answers.answerNext();
    await Promise.all([...first, third]);
    expect(thirdSent).toBe(true);
    expect(timed()).toEqual([1000]);
  });

  it("counts the account's joins across its channels, and masters and viewers apart", async ({ expect }) => {
    const { waits, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "3" });
    await Promise.all(["a", "b", "c"].map((channel) => call(MASTER, channel)));
    await call("/joinStorageSessionAsViewer", "d");
    expect(waits).toEqual([]);
    await call(MASTER, "e");
    expect(waits).toEqual([1000]);
  });

  it("never sends a join given up while it waits, and does not count it for the next one", async ({
    expect,
  }) => {
    const { timed, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1" }, { endless: true });
    at(200);
    await call(MASTER, "a");
    const leaving = new AbortController();
    const gone = call(MASTER, "b", { signal: leaving.signal });
    const afterIt = new AbortController();
    const next = call(MASTER, "c", { signal: afterIt.signal });
    await vi.waitFor(() => expect(timed()).toEqual([1000]));
    at(700);
    leaving.abort();
    await expect(gone).rejects.toThrow();
    // c now follows a alone: a window after a's answer, not after the moment b left
    await settle(() => timed().length >= 2);
    expect(timed()).toEqual([1000, 500]);
    afterIt.abort();
    await expect(next).rejects.toThrow();
    expect(upstream.callsTo(MASTER).map((sent) => JSON.parse(sent.body).channelArn)).toEqual([arn("a")]);
  });

  it("counts a join that failed unanswered as answered when core's call would have ended: it may still reach AWS", async ({
    expect,
  }) => {
    const { timed, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1", UPSTREAM_TIMEOUT_MS: "5000" });
    upstream.answer(MASTER, () => {
      at(250);
      throw new TypeError("connection reset");
    });
    await expect(call(MASTER, "a")).rejects.toThrow("connection reset");
    upstream.answer(MASTER, () => new Response(null));
    // not a window after the failure (1250), but a window after core's whole call (5 s for AWS + 2 s here) ends
    at(1000);
    const early = await call(MASTER, "b").catch((error: unknown) => error);
    expect(notSentFor(early)).toBe(7000);
    at(6000);
    await call(MASTER, "b");
    expect(timed()).toEqual([2000]);
    expect(upstream.callsTo(MASTER)).toHaveLength(2);
  });

  it("takes a join whose request vanished unanswered as answered at twice core's whole call", async ({
    expect,
  }) => {
    const { waits, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1", UPSTREAM_TIMEOUT_MS: "5000" });
    // the runtime cancelled this request mid-call: no answer, no abort, no code of it runs again
    upstream.answer(MASTER, () => new Promise<Response>(() => {}));
    void call(MASTER, "a");
    // the send time counts here
    await settle(() => upstream.callsTo(MASTER).length > 0);
    expect(upstream.callsTo(MASTER)).toHaveLength(1);
    upstream.answer(MASTER, () => new Response(null));
    // core's call is 5 s for AWS + 2 s here: twice that is 14 s
    at(14_001);
    await call(MASTER, "b");
    expect(waits).toEqual([999]);
  });

  it("forgets a join cancelled while it waited here: never sent, it holds nobody up once it would have left", async ({
    expect,
  }) => {
    const { call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1" }, { endless: true });
    await call(MASTER, "a");
    // b waits for a's window to pass, and the runtime cancels its request there: no abort, no code of it runs again
    at(100);
    void call(MASTER, "b");
    await settle(() => false, 5);
    // b would have gone or given up by 2.1 s, and even a late timer by 4.1 s: then c goes on a's window alone
    at(4200);
    await call(MASTER, "c");
    expect(upstream.callsTo(MASTER).map((sent) => JSON.parse(sent.body).channelArn)).toEqual([
      arn("a"),
      arn("c"),
    ]);
  });

  it("never sends a join it could not send within 2 s, and says when it could go", async ({ expect }) => {
    const { timed, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1" }, { passing: true });
    const answers = heldAnswers();
    const first = call(MASTER, "a");
    await vi.waitFor(() => expect(answers.waiting).toBe(1));
    // the first is on its way for good: the second looks again every 250 ms for 2 s, then is not sent
    const second = await call(MASTER, "b").catch((error: unknown) => error);
    expect(notSentFor(second)).toBe(1000);
    expect(upstream.callsTo(MASTER)).toHaveLength(1);
    await answers.answerNext();
    await first;
    // answered now, the first frees the account a second later: within 2 s, so the next waits and goes
    upstream.answer(MASTER, () => new Response(null));
    await call(MASTER, "c");
    expect(timed()).toEqual([1000]);
    expect(upstream.callsTo(MASTER)).toHaveLength(2);
  });

  it("never holds any other call", async ({ expect }) => {
    const { waits, call } = gate({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "1" });
    for (let n = 0; n < 5; n++) await call("/getSignalingChannelEndpoint", "cam");
    expect(waits).toEqual([]);
  });
});
