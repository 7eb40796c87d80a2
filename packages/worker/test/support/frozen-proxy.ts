import { env, reset } from "cloudflare:test";
import { afterEach, beforeEach, vi } from "vitest";
import { type FakeUpstream, fakeUpstream } from "./fake-upstream.ts";
import { putTenant } from "./tenants.ts";

/**
 * Before each test of the file: `Date` frozen at `startMs` (the Worker and its Durable Objects share this
 * isolate's clock), a fake AWS, and the tenant "acme" stored; `ready` receives both. All undone after each test.
 */
export function frozenProxy(startMs: number, ready: (upstream: FakeUpstream, key: string) => void): void {
  let upstream: FakeUpstream | undefined;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(startMs);
    upstream = fakeUpstream();
    ready(upstream, await putTenant(env, "acme"));
  });
  afterEach(async () => {
    upstream?.restore();
    vi.useRealTimers();
    await reset();
  });
}
