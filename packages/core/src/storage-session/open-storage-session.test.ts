import { describe, expect, it } from "vitest";
import { isKvsError } from "../errors/kvs-error.ts";
import { openStorageSession, type StorageSessionOptions } from "./open-storage-session.ts";

const channelArn = "arn:aws:kinesisvideo:us-west-2:111122223333:channel/cam/1700000000000";
const credentials = { accessKeyId: "AKIATESTKEY", secretAccessKey: "secret-secret-secret" };

function issuesOf(options: object): string[] {
  try {
    openStorageSession(options as StorageSessionOptions);
  } catch (error) {
    if (isKvsError(error, "InvalidArgumentException")) return error.issues.map((issue) => issue.path);
    throw error;
  }
  throw new Error("expected the options to be refused");
}

describe("openStorageSession: options", () => {
  it("names every invalid option before anything is sent", () => {
    expect(issuesOf({ channelArn: "arn:nope", role: "VIEWER", credentials })).toEqual([
      "clientId",
      "channelArn",
    ]);
    expect(issuesOf({ channelArn, role: "MASTER", clientId: "m", credentials })).toEqual(["clientId"]);
    expect(issuesOf({ channelArn, role: "OWNER", credentials })).toEqual(["role"]);
    expect(issuesOf({ channelArn, role: "MASTER" })).toEqual(["credentials"]);
    expect(
      issuesOf({ channelArn, role: "MASTER", credentials, proxy: { origin: "https://p", token: "t" } }),
    ).toEqual(["credentials"]);
    expect(issuesOf({ channelArn, role: "MASTER", proxy: { origin: "ftp://p", token: "" } })).toEqual([
      "proxy.origin",
      "proxy.token",
    ]);
    expect(
      issuesOf({
        channelArn,
        role: "MASTER",
        credentials,
        offerTimeoutMs: 50,
        maxJoinAttempts: 0.5,
        controlPlaneEndpoint: "x",
      }),
    ).toEqual(["offerTimeoutMs", "maxJoinAttempts", "controlPlaneEndpoint"]);
  });

  it("asks for a WebSocket class where the runtime has none", () => {
    const original = globalThis.WebSocket;
    Reflect.deleteProperty(globalThis, "WebSocket");
    try {
      expect(issuesOf({ channelArn, role: "MASTER", credentials })).toEqual(["WebSocket"]);
    } finally {
      globalThis.WebSocket = original;
    }
  });
});
