/**
 * Matches a channel name against a glob in which `*` stands for any run of characters (also none).
 * Linear time and no regular expression built from data, so a hostile pattern cannot backtrack.
 *
 * @example
 * ```ts
 * matchesGlob("demo-camera*", "demo-camera-2"); // true
 * matchesGlob("demo-camera*", "other-camera"); // false
 * ```
 */
export function matchesGlob(pattern: string, name: string): boolean {
  const parts = pattern.split("*");
  const first = parts[0] ?? "";
  if (parts.length === 1) return pattern === name;
  const last = parts[parts.length - 1] ?? "";
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last))
    return false;
  let position = first.length;
  const end = name.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    // Taking the leftmost occurrence is always safe: it leaves the most room for what follows.
    const found = name.indexOf(middle, position);
    if (found === -1 || found + middle.length > end) return false;
    position = found + middle.length;
  }
  return true;
}
