import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./sha256.ts";

const webCryptoHex = async (data: string | Uint8Array<ArrayBuffer>) =>
  Array.from(
    new Uint8Array(
      await crypto.subtle.digest("SHA-256", typeof data === "string" ? new TextEncoder().encode(data) : data),
    ),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");

describe("sha256Hex", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
  ])("matches the FIPS 180-4 vector for %j", (input, expected) => {
    expect(sha256Hex(input)).toBe(expected);
  });

  it("matches Web Crypto across block boundaries", async () => {
    for (let length = 0; length <= 200; length++) {
      const text = "a".repeat(length);
      expect(sha256Hex(text)).toBe(await webCryptoHex(text));
    }
  });

  it("grows its buffer for long multi-byte input and stays correct afterwards", async () => {
    const long = "€😀a".repeat(5000);
    expect(sha256Hex(long)).toBe(await webCryptoHex(long));
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("matches Web Crypto for any string, multi-byte UTF-8 included", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 600 }), async (text) => {
        expect(sha256Hex(text)).toBe(await webCryptoHex(text));
      }),
    );
  });

  it("matches Web Crypto for bytes, a view into a larger buffer included", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.nat(8), async (bytes, offset) => {
        const backing = new Uint8Array(bytes.length + offset);
        backing.set(bytes, offset);
        const view = backing.subarray(offset);
        expect(sha256Hex(view)).toBe(await webCryptoHex(view));
      }),
    );
  });
});
