/**
 * The client address to rate-limit auth failures by: Cloudflare's `CF-Connecting-IP` only, since
 * `X-Forwarded-For` is client-controlled. IPv6 is cut to its /64, the block one subscriber holds.
 *
 * @example
 * ```ts
 * clientAddress(new Headers({ "CF-Connecting-IP": "2001:db8:1:2:3:4:5:6" })); // "2001:db8:1:2::/64"
 * ```
 */
export function clientAddress(headers: Headers): string | undefined {
  const raw = headers.get("cf-connecting-ip")?.trim().toLowerCase();
  if (raw === undefined || raw === "" || raw.length > 64) return undefined;
  if (!raw.includes(":")) return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(raw) ? raw : undefined;
  const [head = "", tail = ""] = raw.split("::");
  const groups = head === "" ? [] : head.split(":");
  const tailGroups = tail === "" ? [] : tail.split(":");
  const expanded = raw.includes("::")
    ? [...groups, ...Array<string>(8 - groups.length - tailGroups.length).fill("0"), ...tailGroups]
    : groups;
  if (expanded.length !== 8 || !expanded.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return `${expanded
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
