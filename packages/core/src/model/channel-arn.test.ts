import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isKvsError } from "../errors/kvs-error.ts";
import { parseChannelArn } from "./channel-arn.ts";
import { partitionOf } from "./rules.ts";

const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const lower = "abcdefghijklmnopqrstuvwxyz";
// the reference: AWS's partitions and their regions' prefixes, written out independently of the code
const OTHER_PARTITIONS = [
  ["aws-cn", "cn-"],
  ["aws-us-gov", "us-gov-"],
  ["aws-iso", "us-iso-"],
  ["aws-iso-b", "us-isob-"],
  ["aws-iso-e", "eu-isoe-"],
  ["aws-iso-f", "us-isof-"],
  ["aws-eusc", "eusc-"],
] as const;
const regionTail = chars(`${lower}0123456789-`, 1, 14);
const partitionAndRegion = fc.oneof(
  fc
    .tuple(fc.constantFrom(...OTHER_PARTITIONS), regionTail)
    .map(([[partition, prefix], tail]) => ({ partition, region: prefix + tail })),
  regionTail
    .filter((region) => !OTHER_PARTITIONS.some(([, prefix]) => region.startsWith(prefix)))
    .map((region) => ({ partition: "aws", region })),
);
const arnParts = fc
  .record({
    place: partitionAndRegion,
    accountId: chars("0123456789", 1, 12),
    resourceType: chars(lower, 1, 10),
    channelName: chars(`${lower}ABCZ0123456789_.-`, 1, 40),
    creationTime: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  })
  .map(({ place, ...rest }) => ({ ...place, ...rest }));

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

  it("refuses a partition that is not its region's, naming the rule", () => {
    const wrong = [
      "arn:aws-cn:kinesisvideo:us-west-2:111122223333:channel/demo/1",
      "arn:aws-us-gov:kinesisvideo:us-west-2:111122223333:channel/demo/1",
      "arn:awsXYZ:kinesisvideo:us-west-2:111122223333:channel/demo/1",
      "arn:aws:kinesisvideo:cn-north-1:111122223333:channel/demo/1",
      "arn:aws-iso:kinesisvideo:us-isob-east-1:111122223333:channel/demo/1",
      "arn:aws-cn:kinesisvideo:us-gov-west-1:111122223333:channel/demo/1",
    ];
    for (const arn of wrong) {
      expect(() => parseChannelArn(arn)).toThrow(
        /channelArn must name its region's partition \(aws-cn for cn-\*/,
      );
    }
    fc.assert(
      fc.property(
        arnParts,
        fc.constantFrom("aws", ...OTHER_PARTITIONS.map(([p]) => p)),
        (parts, partition) => {
          fc.pre(partition !== parts.partition);
          const arn = `arn:${partition}:kinesisvideo:${parts.region}:${parts.accountId}:${parts.resourceType}/${parts.channelName}/${parts.creationTime}`;
          expect(() => parseChannelArn(arn)).toThrow(/partition/);
        },
      ),
    );
  });

  it("partitionOf names each region's partition", () => {
    for (const [partition, prefix] of OTHER_PARTITIONS)
      expect(partitionOf(`${prefix}east-1`)).toBe(partition);
    expect(partitionOf("us-west-2")).toBe("aws");
    expect(partitionOf("us-isolated-1")).toBe("aws");
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
