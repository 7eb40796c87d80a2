import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { isKvsError } from "../errors/kvs-error.ts";
import { presignUrl } from "./presign-url.ts";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const channelArn = "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000";
const date = new Date("2026-11-22T10:00:00Z");

function connectUrl(): URL {
  const url = new URL("wss://m-1234abcd.kinesisvideo.us-west-2.amazonaws.com");
  url.searchParams.set("X-Amz-ChannelARN", channelArn);
  return url;
}

describe("presignUrl", () => {
  it("produces aws4fetch's query signature with X-Amz-Expires set", async () => {
    const signed = await presignUrl(connectUrl(), { credentials, region: "us-west-2", expiresIn: 299, date });
    const expected = connectUrl();
    expected.searchParams.set("X-Amz-Expires", "299");
    const reference = await new AwsV4Signer({
      url: expected.toString(),
      ...credentials,
      service: "kinesisvideo",
      region: "us-west-2",
      datetime: "20261122T100000Z",
      signQuery: true,
    }).sign();
    expect(signed.toString()).toBe(reference.url.toString());
    expect(signed.searchParams.get("X-Amz-Credential")).toBe(
      "AKIDEXAMPLE/20261122/us-west-2/kinesisvideo/aws4_request",
    );
    expect(signed.searchParams.get("X-Amz-SignedHeaders")).toBe("host");
  });

  it("puts the session token in the signed canonical query", async () => {
    const withToken = await presignUrl(connectUrl(), {
      credentials: { ...credentials, sessionToken: "session-token" },
      region: "us-west-2",
      expiresIn: 60,
      date,
    });
    const without = await presignUrl(connectUrl(), { credentials, region: "us-west-2", expiresIn: 60, date });
    expect(withToken.searchParams.get("X-Amz-Security-Token")).toBe("session-token");
    expect(withToken.searchParams.get("X-Amz-Signature")).not.toBe(
      without.searchParams.get("X-Amz-Signature"),
    );
  });

  it.each([0, 1.5, 604_801, Number.NaN])("rejects expiresIn %s naming the rule", async (expiresIn) => {
    const failure = await presignUrl(connectUrl(), { credentials, region: "us-west-2", expiresIn }).catch(
      (e: unknown) => e,
    );
    expect(isKvsError(failure, "InvalidArgumentException") && failure.message).toBe(
      "Invalid input: expiresIn must be an integer from 1 to 604800",
    );
  });
});
