import { describe, expect, it } from "vitest";
import { isKvsError } from "../errors/kvs-error.ts";
import { parseGetSignalingChannelEndpointInput } from "./inputs.ts";
import { isClientId, isRegion } from "./rules.ts";

describe("isRegion", () => {
  it.each(["us-west-2", "eu-west-1", "us-gov-east-1", "cn-north-1", "ap-southeast-5", "eusc-de-east-1"])(
    "accepts %s",
    (region) => expect(isRegion(region)).toBe(true),
  );
  it.each([
    "",
    "US West",
    "us-west",
    "us-west-2 ",
    "us_west_2",
    "local",
    "us-west-123",
    "a.b-c-1",
    "abcde-west-1",
    42,
  ])("refuses %j", (region) => expect(isRegion(region)).toBe(false));
});

describe("isClientId", () => {
  it("takes 1 to 256 characters of a-z, A-Z, 0-9, _, . and -", () => {
    expect(isClientId("viewer-1.A_b")).toBe(true);
    expect(isClientId("v".repeat(256))).toBe(true);
    expect(isClientId("v".repeat(257))).toBe(false);
    expect(isClientId("")).toBe(false);
    expect(isClientId("has space")).toBe(false);
    expect(isClientId("viewer\n")).toBe(false);
    expect(isClientId(undefined)).toBe(false);
  });
});

describe("closed sets name the field and the allowed values", () => {
  const arn = "arn:aws:kinesisvideo:us-west-2:111122223333:channel/cam/1";
  const issuesOf = (input: unknown): string[] => {
    try {
      parseGetSignalingChannelEndpointInput(input);
      return [];
    } catch (error) {
      return isKvsError(error)
        ? error.issues.map((issue) => `${issue.path}: ${issue.message}`)
        : [String(error)];
    }
  };

  it("a role that is not MASTER or VIEWER", () => {
    expect(issuesOf({ channelArn: arn, protocols: ["WSS"], role: "master" })).toEqual([
      "role: must be MASTER or VIEWER",
    ]);
  });

  it("a protocol that is not WSS, HTTPS or WEBRTC", () => {
    expect(issuesOf({ channelArn: arn, protocols: ["WSS", "FTP"], role: "MASTER" })).toEqual([
      "protocols.1: must be WSS, HTTPS or WEBRTC",
    ]);
  });
});
