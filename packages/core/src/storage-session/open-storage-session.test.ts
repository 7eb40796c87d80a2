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

  it("refuses what is not an options object, and a proxy origin a token must not travel to", () => {
    expect(issuesOf(undefined as unknown as object)).toEqual(["options"]);
    expect(issuesOf({ channelArn, role: "MASTER", proxy: null })).toEqual(["proxy"]);
    const proxied = (origin: string) => ({ channelArn, role: "MASTER", proxy: { origin, token: "t" } });
    for (const origin of [
      "http://proxy.example",
      "https://u:p@proxy.example",
      "https://proxy.example/v1",
      "https://p.example/?a=1",
    ]) {
      expect(issuesOf(proxied(origin))).toEqual(["proxy.origin"]);
    }
    expect(() =>
      openStorageSession(proxied("http://127.0.0.1:8787") as StorageSessionOptions).close(),
    ).not.toThrow();
    expect(issuesOf({ ...proxied("https://p.example"), controlPlaneEndpoint: "https://x" })).toEqual([
      "controlPlaneEndpoint",
    ]);
    expect(issuesOf({ channelArn, role: "MASTER", credentials, fetch: "x", signal: {} })).toEqual([
      "fetch",
      "signal",
    ]);
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
