/** @module A small least-recently-used map: bounds every cache kept per tenant, channel or request shape. */

/**
 * A `Map` that forgets its least recently used entry once it holds `capacity` entries.
 *
 * @example
 * const recent = new BoundedCache<string, number>(2);
 * recent.set("a", 1); recent.set("b", 2); recent.get("a"); recent.set("c", 3);
 * recent.get("b"); // undefined: "b" was the least recently used
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
