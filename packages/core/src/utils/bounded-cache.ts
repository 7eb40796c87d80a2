/** @module A small least-recently-used map: bounds every cache kept per tenant, channel or request shape. */

/** One entry, linked between the entries used just before and just after it. */
interface Entry<K, V> {
  readonly key: K;
  value: V;
  older: Entry<K, V> | undefined;
  newer: Entry<K, V> | undefined;
}

/**
 * A `Map` that forgets its least recently used entry once it holds `capacity` entries.
 *
 * @example
 * const recent = new BoundedCache<string, number>(2);
 * recent.set("a", 1); recent.set("b", 2); recent.get("a"); recent.set("c", 3);
 * recent.get("b"); // undefined: "b" was the least recently used
 */
export class BoundedCache<K, V> {
  // the order of use is a list the entries are relinked in, so a hit allocates nothing (deleting and re-adding a
  // Map key leaves a hole each time, and the Map rebuilds its table every few dozen hits)
  readonly #entries = new Map<K, Entry<K, V>>();
  readonly #capacity: number;
  #oldest: Entry<K, V> | undefined;
  #newest: Entry<K, V> | undefined;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    // an entry holding `undefined` reads as a miss, and a miss is no use
    if (entry === undefined || entry.value === undefined) return undefined;
    this.#markUsed(entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      entry.value = value;
      this.#markUsed(entry);
      return;
    }
    const added: Entry<K, V> = { key, value, older: undefined, newer: undefined };
    this.#entries.set(key, added);
    this.#link(added);
    const oldest = this.#oldest;
    if (this.#entries.size > this.#capacity && oldest !== undefined) this.#remove(oldest);
  }

  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined) this.#remove(entry);
  }

  // eviction does not go through `delete`, which a subclass could override
  #remove(entry: Entry<K, V>): void {
    this.#entries.delete(entry.key);
    this.#unlink(entry);
  }

  #markUsed(entry: Entry<K, V>): void {
    if (entry === this.#newest) return;
    this.#unlink(entry);
    this.#link(entry);
  }

  // as the newest
  #link(entry: Entry<K, V>): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
  }

  #unlink(entry: Entry<K, V>): void {
    if (entry.older === undefined) this.#oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === undefined) this.#newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
  }
}
