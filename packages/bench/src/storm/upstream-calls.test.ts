import { describe, it } from "vitest";
import { countUpstream } from "./upstream-calls.ts";

const camera = JSON.stringify({
  channelArn: "arn:aws:kinesisvideo:us-west-2:955500000000:channel/storm-0/1",
});
const viewer = JSON.stringify({
  channelArn: "arn:aws:kinesisvideo:us-west-2:955500000000:channel/storm-0/1",
  clientId: "v-0",
});

describe("countUpstream", () => {
  it("counts joins of both roles and their throttles apart from discovery calls", ({ expect }) => {
    const calls = [
      { path: "/joinStorageSession", body: camera, status: 200, errorCode: null },
      {
        path: "/joinStorageSessionAsViewer",
        body: viewer,
        status: 400,
        errorCode: "ClientLimitExceededException",
      },
      { path: "/joinStorageSession", body: camera, status: 400, errorCode: "ClientLimitExceededException" },
      { path: "/getSignalingChannelEndpoint", body: camera, status: 200, errorCode: null },
      {
        path: "/getSignalingChannelEndpoint",
        body: camera,
        status: 400,
        errorCode: "ClientLimitExceededException",
      },
      { path: "/joinStorageSession", body: camera, status: 404, errorCode: "ResourceNotFoundException" },
    ];
    expect(countUpstream(calls)).toEqual({
      joinCalls: 4,
      joinThrottles: 2,
      otherCalls: 2,
      otherThrottles: 1,
      joinedTwice: 0,
    });
  });

  it("counts a device whose join AWS took twice, by its path and body, once", ({ expect }) => {
    const taken = (path: string, body: string) => ({ path, body, status: 200, errorCode: null });
    const calls = [
      taken("/joinStorageSession", camera),
      taken("/joinStorageSessionAsViewer", viewer),
      taken("/joinStorageSession", camera),
      taken("/joinStorageSession", camera),
      // the same channel's viewer is another device, and a refused join was not taken
      {
        path: "/joinStorageSessionAsViewer",
        body: viewer,
        status: 400,
        errorCode: "ClientLimitExceededException",
      },
    ];
    expect(countUpstream(calls).joinedTwice).toBe(1);
  });
});
