import { env, runInDurableObject } from "cloudflare:test";
import { describe, it, onTestFinished, vi } from "vitest";
import type { FakeUpstream } from "../../test/support/fake-upstream.ts";
import { frozenProxy } from "../../test/support/frozen-proxy.ts";
import { countingLimiter } from "../../test/support/limiters.ts";
import { putTenant } from "../../test/support/tenants.ts";
import { post, send, testEnv } from "../../test/support/worker.ts";
import type { Env } from "../env.ts";
import type { RateLimiter } from "./rate-limiter.ts";

// Date is frozen at START (the Worker and its objects share the clock); a held join waits its slot in real time
const START = Date.UTC(2030, 0, 1);
let upstream: FakeUpstream;
frozenProxy(START, (fake) => {
  upstream = fake;
});

const ACCOUNTS = ["111122223333", "444455556666"] as const;
const arn = (name: string, account: string = ACCOUNTS[0]) =>
  `arn:aws:kinesisvideo:us-west-2:${account}:channel/${name}/1`;
const tenant = (id: string) =>
  putTenant(env, id, {
    channels: ACCOUNTS.map((accountId) => ({ accountId, region: "us-west-2", channelName: `${id}-*` })),
  });
const join = (bindings: Env, key: string, channelArn: string, signal?: AbortSignal) =>
  send(bindings, "/joinStorageSession", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ channelArn }),
    ...(signal && { signal }),
  });
const reservedRows = (account: string = ACCOUNTS[0]) =>
  runInDurableObject(
    env.LIMITER.getByName(`account:us-west-2:${account}`),
    (_instance: RateLimiter, state) =>
      state.storage.sql.exec("SELECT at FROM joins WHERE at > ?", START).toArray().length,
  );

// holds end at once: the clock stays where the test puts it
function holdsEndAtOnce(): void {
  onTestFinished(() => {
    vi.restoreAllMocks();
  });
  vi.spyOn(scheduler, "wait").mockResolvedValue(undefined);
}

describe("admission scheduling", () => {
  it("holds a join that must wait for its channel's slot and then forwards it, instead of refusing it", async ({
    expect,
  }) => {
    const key = await tenant("cam");
    const bindings = testEnv();
    const responses = await Promise.all([1, 2, 3].map(() => join(bindings, key, arn("cam-1"))));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(3);
  });

  it("tells a join beyond the hold its turn in whole seconds rounded down, each later device later", async ({
    expect,
  }) => {
    const key = await tenant("cam");
    // two joins a window: two go now, two are held (1.05 s and 1.575 s), the rest are told their turns
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "2", MAX_QUEUE_WAIT_MS: "2000" });
    const responses = await Promise.all(
      Array.from({ length: 7 }, (_, n) => join(bindings, key, arn(`cam-${n}`))),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 429, 429, 429]);
    const turns = responses.slice(4).map((response) => response.headers.get("Retry-After"));
    // turns at 2.1, 2.625 and 3.15 s
    expect(turns).toEqual(["2", "2", "3"]);
    expect(responses[6]?.headers.get("RateLimit")).toBe('"account";r=0;t=3');
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(4);
  });

  it("answers a tenant's repeats beyond its turn in the isolate, each told a later turn, asking the object once", async ({
    expect,
  }) => {
    const key = await tenant("cam");
    const { asked, namespace } = countingLimiter();
    const bindings = testEnv({
      LIMITER: namespace,
      ACCOUNT_JOIN_LIMIT_PER_SECOND: "2",
      MAX_QUEUE_WAIT_MS: "2000",
    });
    const first = await Promise.all(
      Array.from({ length: 5 }, (_, n) => join(bindings, key, arn(`cam-${n}`))),
    );
    expect(first.map((response) => response.status)).toEqual([200, 200, 200, 200, 429]);
    const before = asked.length;
    const repeats = [];
    for (let n = 5; n < 10; n++) repeats.push(await join(bindings, key, arn(`cam-${n}`)));
    expect(asked.length).toBe(before);
    // the object's turn was at 2.1 s; each repeat is told the next, two joins a window apart
    expect(repeats.map((response) => response.headers.get("Retry-After"))).toEqual(["2", "3", "3", "4", "4"]);
  });

  it("spaces the turns it tells by the tenant's share, as the object does, not by the whole account's", async ({
    expect,
  }) => {
    const other = await tenant("other");
    const key = await tenant("cam");
    const { asked, namespace } = countingLimiter();
    const bindings = testEnv({
      LIMITER: namespace,
      ACCOUNT_JOIN_LIMIT_PER_SECOND: "2",
      MAX_QUEUE_WAIT_MS: "2000",
    });
    holdsEndAtOnce();
    // another tenant asks too: each has one join a window, so each tenant's turns lie a window (1.05 s) apart,
    // not the account's half window
    expect((await join(bindings, other, arn("other-1"))).status).toBe(200);
    const answers = [];
    for (let n = 0; n < 3; n++) answers.push(await join(bindings, key, arn(`cam-${n}`)));
    expect(answers.map((response) => response.status)).toEqual([200, 200, 429]);
    const before = asked.length;
    for (let n = 3; n < 7; n++) answers.push(await join(bindings, key, arn(`cam-${n}`)));
    // the repeats are answered in the isolate: turns at 2.1 s (the object's), then 3.15, 4.2, 5.25 and 6.3 s
    expect(asked.length).toBe(before);
    const turns = answers.slice(2).map((response) => response.headers.get("Retry-After"));
    expect(turns).toEqual(["2", "3", "4", "5", "6"]);
  });

  it("tells the object the last turn the isolate told, so the object's next turns come after it", async ({
    expect,
  }) => {
    const key = await tenant("cam");
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "2", MAX_QUEUE_WAIT_MS: "2000" });
    holdsEndAtOnce();
    const statuses = [];
    for (let n = 0; n < 10; n++) statuses.push((await join(bindings, key, arn(`cam-${n}`))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429, 429]);
    // the isolate told turns up to 4.725 s; at 0.15 s its refusal has run out and the object is asked again
    vi.setSystemTime(START + 150);
    const held = await join(bindings, key, arn("cam-10"));
    expect(held.status).toBe(200);
    const next = await join(bindings, key, arn("cam-11"));
    // the turn after 4.725 s (5.25 s), not after the object's own last (2.625 s)
    expect(next.headers.get("Retry-After")).toBe("5");
  });

  it("gives the slot back when the device leaves while held, and sends nothing upstream for it", async ({
    expect,
  }) => {
    const key = await tenant("cam");
    const bindings = testEnv();
    await Promise.all([join(bindings, key, arn("cam-1")), join(bindings, key, arn("cam-1"))]);
    const leaving = new AbortController();
    const held = join(bindings, key, arn("cam-1"), leaving.signal);
    // the slot is reserved once the object has answered; then the device goes
    await expect.poll(() => reservedRows()).toBe(1);
    leaving.abort();
    expect((await held).status).toBe(499);
    expect(await reservedRows()).toBe(0);
    expect(upstream.callsTo("/joinStorageSession")).toHaveLength(2);
  });

  it("holds no more joins in an isolate than MAX_HELD_REQUESTS: the next is told to come back, its slot freed", async ({
    expect,
  }) => {
    const key = await tenant("cam");
    const bindings = testEnv({ MAX_HELD_REQUESTS: "1" });
    const fill = (account: string) =>
      Promise.all([join(bindings, key, arn("cam-1", account)), join(bindings, key, arn("cam-1", account))]);
    await Promise.all([fill(ACCOUNTS[0]), fill(ACCOUNTS[1])]);
    const first = join(bindings, key, arn("cam-1", ACCOUNTS[0]));
    await expect.poll(() => reservedRows(ACCOUNTS[0])).toBe(1);
    // another account's object has room for a hold; this isolate has none
    const second = await join(bindings, key, arn("cam-1", ACCOUNTS[1]));
    expect(second.status).toBe(429);
    // told to come back for its slot, about a window away (polling moves the frozen clock on)
    expect(["1", "2"]).toContain(second.headers.get("Retry-After"));
    expect(await reservedRows(ACCOUNTS[1])).toBe(0);
    expect((await first).status).toBe(200);
  });

  it("admits a newcomer at once while another tenant's flood is held and told to wait", async ({
    expect,
  }) => {
    const flooder = await tenant("flood");
    const modest = await tenant("cam");
    const bindings = testEnv({ ACCOUNT_JOIN_LIMIT_PER_SECOND: "10", MAX_QUEUE_WAIT_MS: "2000" });
    const flood = Array.from({ length: 60 }, (_, n) => join(bindings, flooder, arn(`flood-${n}`)));
    // the flood's first answers are in: the object has decided them
    await expect.poll(() => upstream.callsTo("/joinStorageSession").length).toBeGreaterThanOrEqual(9);
    const newcomer = await post(bindings, "/joinStorageSession", { channelArn: arn("cam-1") }, modest);
    expect(newcomer.status).toBe(200);
    const statuses = (await Promise.all(flood)).map((response) => response.status);
    // the newcomer took the join held for newcomers: it went upstream before the flood's held joins
    const order = upstream.callsTo("/joinStorageSession").map((call) => call.body.includes("cam-1"));
    expect(order.indexOf(true)).toBeLessThan(10);
    expect(order.length).toBeGreaterThan(15);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(30);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
  });
});
