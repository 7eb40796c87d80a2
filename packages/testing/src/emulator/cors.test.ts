import { describe, it } from "vitest";
import { ORIGIN, signedPost } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { createEmulator } from "./create-emulator.ts";

const PAGE = "http://127.0.0.1:8800";

describe("CORS, as AWS's endpoints answer it", () => {
  it("answers a preflight on every plane without credentials, and logs no call", async ({ expect }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    for (const path of ["/getSignalingChannelEndpoint", "/joinStorageSession", "/v1/get-ice-server-config"]) {
      const preflight = await emulator.fetch(
        new Request(`${ORIGIN}${path}`, {
          method: "OPTIONS",
          headers: {
            origin: PAGE,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type,x-amz-date,x-amz-security-token",
          },
        }),
      );
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
      const allowed = (preflight.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(",");
      expect(allowed).toEqual(
        expect.arrayContaining(["authorization", "content-type", "x-amz-date", "x-amz-security-token"]),
      );
      expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    }
    expect(emulator.calls()).toEqual([]);
  });

  it("lets the page read answers and errors: the allowed origin, the request id and the error type", async ({
    expect,
  }) => {
    const emulator = createEmulator({ now: () => DEMO_NOW });
    const withOrigin = async (request: Request) => {
      const headers = new Headers(request.headers);
      headers.set("origin", PAGE);
      return emulator.fetch(new Request(request, { headers }));
    };
    const ok = await withOrigin(
      await signedPost("/describeSignalingChannel", { ChannelName: DEMO_CHANNELS.demoCamera.name }),
    );
    const refused = await withOrigin(
      await signedPost("/joinStorageSession", { channelArn: DEMO_CHANNELS.demoCamera.arn }, { signedAt: 0 }),
    );
    expect([ok.status, refused.status]).toEqual([200, 403]);
    for (const answer of [ok, refused]) {
      expect(answer.headers.get("access-control-allow-origin")).toBe("*");
      const exposed = (answer.headers.get("access-control-expose-headers") ?? "").toLowerCase();
      expect(exposed).toContain("x-amzn-requestid");
      expect(exposed).toContain("x-amzn-errortype");
    }
    expect(refused.headers.get("x-amzn-ErrorType")).toContain("Signature");
  });
});
