import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isKvsError } from "../errors/kvs-error.ts";
import { parseChannelArn } from "./channel-arn.ts";

const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const lower = "abcdefghijklmnopqrstuvwxyz";
const arnParts = fc.record({
  partition: fc.tuple(fc.constant("aws"), chars(`${lower}ABCXYZ-`, 0, 8)).map(([a, b]) => a + b),
  region: chars(`${lower}0123456789-`, 1, 20),
  accountId: chars("0123456789", 1, 12),
  resourceType: chars(lower, 1, 10),
  channelName: chars(`${lower}ABCZ0123456789_.-`, 1, 40),
  creationTime: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});

describe("parseChannelArn", () => {
  it("round-trips every ARN the model pattern admits", () => {
    fc.assert(
      fc.property(arnParts, (parts) => {
        const arn = `arn:${parts.partition}:kinesisvideo:${parts.region}:${parts.accountId}:${parts.resourceType}/${parts.channelName}/${parts.creationTime}`;
        expect(parseChannelArn(arn)).toEqual({ arn, ...parts });
      }),
    );
  });

  it("either rejects with InvalidArgumentException or returns parts that rebuild the input", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(..."arn:aws:kinesisvideo/-0123456789abc") })),
        (input) => {
          try {
            const parts = parseChannelArn(input);
            expect(
              `arn:${parts.partition}:kinesisvideo:${parts.region}:${parts.accountId}:${parts.resourceType}/${parts.channelName}/${parts.creationTime}`,
            ).toBe(input);
          } catch (error) {
            expect(isKvsError(error, "InvalidArgumentException")).toBe(true);
          }
        },
      ),
    );
  });

  it.each([
    ["", "channelArn must not be empty"],
    [
      "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo camera/1",
      "channelArn must match the channel ARN pattern",
    ],
    [
      "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo/1/extra",
      "channelArn must match the channel ARN pattern",
    ],
    ["arn:aws:s3:us-west-2:111122223333:channel/demo/1", "channelArn must match the channel ARN pattern"],
    [
      "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo/1\n",
      "channelArn must match the channel ARN pattern",
    ],
    [
      `arn:aws:kinesisvideo:us-west-2:1:channel/${"a".repeat(1024)}/1`,
      "channelArn must be at most 1024 characters",
    ],
  ])("rejects %j naming the field and rule", (input, message) => {
    try {
      parseChannelArn(input);
      expect.unreachable();
    } catch (error) {
      expect(isKvsError(error, "InvalidArgumentException") && error.message).toContain(message);
    }
  });
});
