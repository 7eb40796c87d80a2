import { describe, it } from "vitest";
import { countUpstream } from "./upstream-calls.ts";

describe("countUpstream", () => {
  it("counts joins of both roles and their throttles apart from discovery calls", ({ expect }) => {
    const calls = [
      { path: "/joinStorageSession", status: 200, errorCode: null },
      { path: "/joinStorageSessionAsViewer", status: 400, errorCode: "ClientLimitExceededException" },
      { path: "/joinStorageSession", status: 400, errorCode: "ClientLimitExceededException" },
      { path: "/getSignalingChannelEndpoint", status: 200, errorCode: null },
      { path: "/getSignalingChannelEndpoint", status: 400, errorCode: "ClientLimitExceededException" },
      { path: "/joinStorageSession", status: 404, errorCode: "ResourceNotFoundException" },
    ];
    expect(countUpstream(calls)).toEqual({
      joinCalls: 4,
      joinThrottles: 2,
      otherCalls: 2,
      otherThrottles: 1,
    });
  });
});
