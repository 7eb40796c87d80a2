/**
 * @module Failure budgets of client addresses: how many failed credentials an address may send per minute, in all
 * and with one key id, before its failures are answered 429.
 */
import type { Config } from "../config/config.ts";
import type { Failure } from "../errors/errors.ts";
import { askLimiter, type LimiterBindings } from "../limiter/limits.ts";
import type { WindowCheck } from "../limiter/rate-limiter.ts";

type LimiterNamespace = LimiterBindings["LIMITER"];

/**
 * The failure windows of a client address (IPv6 by /64): all its failures, and its failures per key id. A key id
 * is never counted across addresses, so nobody can lock a tenant out from elsewhere (OWASP API2 with care).
 *
 * @example
 * authFailureChecks("acme", config); // [{ bucket: "failures", … }, { bucket: "key:acme", … }]
 */
export function authFailureChecks(keyId: string | undefined, config: Config): WindowCheck[] {
  const policy = (quota: number) => ({ quota, windowMs: 60_000 });
  const checks = [{ bucket: "failures", policy: policy(config.AUTH_ADDRESS_FAILURE_LIMIT_PER_MINUTE) }];
  if (keyId !== undefined)
    checks.push({ bucket: `key:${keyId}`, policy: policy(config.AUTH_FAILURE_LIMIT_PER_MINUTE) });
  return checks;
}

/**
 * Counts a failed credential against its client address's windows and tells how to answer it: 401, or 429 "auth"
 * once the address is out of failures (in all, or with this key id). Only failures are ever counted or refused:
 * an address can be shared (a carrier-grade NAT, a cloud's egress), so a valid credential is never refused and
 * whoever shares it locks nobody out; secrets of 132+ bits are not guessed anyway. One limiter call per failure,
 * none for anything that succeeds.
 *
 * @example
 * return fail(await countFailure(env.LIMITER, "203.0.113.9", "acme", config)); // 401, or 429 once out of budget
 */
export async function countFailure(
  namespace: LimiterNamespace,
  address: string,
  keyId: string | undefined,
  config: Config,
): Promise<Failure> {
  const checks = authFailureChecks(keyId, config);
  const answer = await askLimiter(namespace, `auth:${address}`, config, (stub) => stub.take(checks));
  // the budget only turns a 401 into a 429: a limiter outage leaves the 401
  const decisions = answer.ok ? answer.value : [];
  const refused = decisions.findIndex((decision) => !decision.allowed);
  const check = checks[refused];
  const decision = decisions[refused];
  if (check === undefined || decision === undefined) return { kind: "unauthenticated" };
  return { kind: "rate-limited", verdict: { name: "auth", ...check.policy, ...decision } };
}

// Cloudflare's CF-Connecting-IP only (X-Forwarded-For is client-controlled); IPv6 by the /64 one subscriber holds,
// an IPv4-mapped IPv6 address as its IPv4 one; what cannot be parsed (never on Cloudflare) shares one address
/**
 * The client address failures are counted against: Cloudflare's `CF-Connecting-IP`, IPv6 by its /64.
 *
 * @example
 * clientAddress(new Headers({ "cf-connecting-ip": "2001:db8:1:2::7" })); // "2001:db8:1:2::/64"
 */
export function clientAddress(headers: Headers): string {
  const raw = headers.get("cf-connecting-ip")?.trim().toLowerCase() ?? "";
  const ipv4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(raw)?.[1];
  if (ipv4 !== undefined) return ipv4;
  const halves = raw.split("::");
  if (!raw.includes(":") || raw.length > 64 || halves.length > 2) return "unknown";
  const [head = "", tail = ""] = halves;
  const groups = head === "" ? [] : head.split(":");
  const tailGroups = tail === "" ? [] : tail.split(":");
  if (halves.length === 2 && groups.length + tailGroups.length > 7) return "unknown";
  const expanded = raw.includes("::")
    ? [...groups, ...Array<string>(8 - groups.length - tailGroups.length).fill("0"), ...tailGroups]
    : groups;
  if (expanded.length !== 8 || !expanded.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return "unknown";
  const prefix = expanded.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ""));
  return `${prefix.join(":")}::/64`;
}
