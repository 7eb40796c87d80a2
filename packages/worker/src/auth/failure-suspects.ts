/**
 * Key ids and client addresses that failed authentication in this isolate recently. Only these are checked
 * against their failure budget before the secret is compared, so clean traffic pays no limiter round trip;
 * the limiter object stays the authority, and every failure is still counted there.
 */

// bounded, so a flood of spoofed addresses costs memory only up to this many entries
const MAX_SUSPECTS = 4096;
const suspectUntil = new Map<string, number>();

/** Remembers `name` as suspect until `untilMs`. */
export function markSuspect(name: string, untilMs: number): void {
  suspectUntil.delete(name);
  suspectUntil.set(name, untilMs);
  if (suspectUntil.size > MAX_SUSPECTS) {
    const oldest = suspectUntil.keys().next();
    if (!oldest.done) suspectUntil.delete(oldest.value);
  }
}

/** Whether `name` failed here recently enough that its failure budget must be checked. */
export function isSuspect(name: string, nowMs: number): boolean {
  const until = suspectUntil.get(name);
  if (until === undefined) return false;
  if (until > nowMs) return true;
  suspectUntil.delete(name);
  return false;
}
