import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache.ts";

describe("BoundedCache", () => {
  it("forgets the least recently used entry, where a read counts as a use", () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([1, undefined, 3]);
  });

  it("never holds more than its capacity, whatever is stored", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 20 })),
        (capacity, keys) => {
          const cache = new BoundedCache<number, number>(capacity);
          for (const key of keys) cache.set(key, key);
          const held = [...new Set(keys)].filter((key) => cache.get(key) !== undefined);
          expect(held.length).toBeLessThanOrEqual(capacity);
          // the newest key always survives
          if (keys.length > 0) expect(cache.get(keys[keys.length - 1] as number)).toBeDefined();
        },
      ),
    );
  });

  it("reads, writes and forgets as a Map kept in order of use would", () => {
    const op = fc.tuple(
      fc.constantFrom("get", "set", "delete"),
      fc.integer({ min: 0, max: 6 }),
      // undefined too: an entry holding it reads as a miss, as a Map's `get` would say
      fc.constantFrom(undefined, null, 1, 2),
    );
    fc.assert(
      // long runs ("max" size): fast-check keeps arrays to about ten operations otherwise, too few to reorder
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(op, { maxLength: 60, size: "max" }),
        (capacity, ops) => {
          const cache = new BoundedCache<number, number | null | undefined>(capacity);
          // the model: a Map re-added on every use, its first key the least recently used
          const model = new Map<number, number | null | undefined>();
          for (const [kind, key, value] of ops) {
            if (kind === "get") {
              const seen = model.get(key);
              if (seen !== undefined) {
                model.delete(key);
                model.set(key, seen);
              }
              expect(cache.get(key)).toBe(seen);
            } else if (kind === "set") {
              model.delete(key);
              model.set(key, value);
              if (model.size > capacity) model.delete(model.keys().next().value as number);
              cache.set(key, value);
            } else {
              model.delete(key);
              cache.delete(key);
            }
          }
          for (const key of [0, 1, 2, 3, 4, 5, 6]) expect(cache.get(key)).toBe(model.get(key));
        },
      ),
    );
  });
});
