import fc from "fast-check";
import { describe, it } from "vitest";
import { parseChannelArn } from "./arn.ts";

const segment = (chars: string) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: 20 });
const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

describe("parseChannelArn", () => {
  it("splits every ARN the model pattern accepts", ({ expect }) => {
    fc.assert(
      fc.property(
        segment("abcdefghijklmnopqrstuvwxyz0123456789-"),
        segment("0123456789"),
        segment(`${alnum}_.-`),
        segment("0123456789"),
        (region, account, name, time) => {
          const parts = parseChannelArn(`arn:aws:kinesisvideo:${region}:${account}:channel/${name}/${time}`);
          expect(parts).toEqual({ partition: "aws", region, account, name });
        },
      ),
    );
  });

  it("rejects anything that is not a kinesisvideo channel ARN", ({ expect }) => {
    for (const arn of [
      "",
      "demo-camera",
      "arn:aws:s3:us-west-2:111122223333:channel/x/1",
      "arn:aws:kinesisvideo:us-west-2:111122223333:channel/x",
      "arn:aws:kinesisvideo:us-west-2:abc:channel/x/1",
      "arn:aws:kinesisvideo:us-west-2:111122223333:channel/a b/1",
    ]) {
      expect(parseChannelArn(arn)).toBeUndefined();
    }
  });
});
