import { describe, it } from "vitest";
import { errorOf, ORIGIN, signedPost } from "../../test/signing.ts";
import { DEMO_CHANNELS, DEMO_CREDENTIALS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { createEmulator } from "./create-emulator.ts";

const { demoCamera, otherCamera } = DEMO_CHANNELS;
const join = { channelArn: demoCamera.arn };
const MINUTE = 60_000;
const emulatorAt = (now = DEMO_NOW) => createEmulator({ now: () => now });

describe("SigV4 authentication", () => {
  it("accepts a correctly signed request from each valid credential", async ({ expect }) => {
    const emulator = emulatorAt();
    for (const credentials of [DEMO_CREDENTIALS.operator, DEMO_CREDENTIALS.session]) {
      const response = await emulator.fetch(await signedPost("/joinStorageSession", join, { credentials }));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
      expect(response.headers.get("x-amzn-RequestId")).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get("Date")).toBe("Tue, 08 Oct 2024 20:05:22 GMT");
    }
  });

  it("accepts clock skew up to five minutes either way", async ({ expect }) => {
    for (const skew of [-5 * MINUTE, 5 * MINUTE]) {
      const request = await signedPost(
        "/describeSignalingChannel",
        { ChannelName: "demo-camera" },
        {
          signedAt: DEMO_NOW + skew,
        },
      );
      expect((await emulatorAt().fetch(request)).status).toBe(200);
    }
  });

  it("answers a wrong secret with AWS's InvalidSignatureException", async ({ expect }) => {
    const credentials = { ...DEMO_CREDENTIALS.operator, secretAccessKey: "not-the-secret" };
    const response = await emulatorAt().fetch(await signedPost("/joinStorageSession", join, { credentials }));
    expect(await errorOf(response)).toEqual({
      status: 403,
      type: "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/",
      code: "InvalidSignatureException",
      contentType: "application/json",
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      body: {
        message:
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      },
    });
  });

  it("uses Message for control-plane errors and message for the storage plane", async ({ expect }) => {
    const credentials = { ...DEMO_CREDENTIALS.operator, accessKeyId: "AKIAUNKNOWN" };
    const control = await emulatorAt().fetch(
      await signedPost("/describeSignalingChannel", { ChannelName: "demo-camera" }, { credentials }),
    );
    const storage = await emulatorAt().fetch(await signedPost("/joinStorageSession", join, { credentials }));
    const message = "The security token included in the request is invalid.";
    expect(await errorOf(control)).toMatchObject({
      status: 403,
      code: "UnrecognizedClientException",
      body: { Message: message },
    });
    expect(await errorOf(storage)).toMatchObject({
      status: 403,
      code: "UnrecognizedClientException",
      body: { message },
    });
  });

  it("words an expired and a not-yet-current signature like AWS", async ({ expect }) => {
    const now = Date.UTC(2024, 9, 8, 20, 5, 22);
    const past = await emulatorAt(now).fetch(
      await signedPost("/joinStorageSession", join, { signedAt: now - 10 * MINUTE }),
    );
    expect(await errorOf(past)).toMatchObject({
      status: 403,
      code: "InvalidSignatureException",
      body: {
        message:
          "Signature expired: 20241008T195522Z is now earlier than 20241008T200022Z (20241008T200522Z - 5 min.)",
      },
    });
    const future = await emulatorAt(now).fetch(
      await signedPost("/joinStorageSession", join, { signedAt: now + 6 * MINUTE }),
    );
    expect(await errorOf(future)).toMatchObject({
      status: 403,
      code: "InvalidSignatureException",
      body: {
        message:
          "Signature not yet current: 20241008T201122Z is still later than 20241008T201022Z (20241008T200522Z + 5 min.)",
      },
    });
  });

  it("refuses a missing, malformed or host-less Authorization", async ({ expect }) => {
    const emulator = emulatorAt();
    const post = (headers: Record<string, string> = {}) =>
      new Request(`${ORIGIN}/joinStorageSession`, { method: "POST", body: JSON.stringify(join), headers });
    expect(await errorOf(await emulator.fetch(post()))).toMatchObject({
      status: 403,
      code: "MissingAuthenticationTokenException",
      body: { message: "Missing Authentication Token" },
    });
    for (const authorization of [
      "Bearer abc",
      "AWS4-HMAC-SHA256 Credential=AKIAEMULATOROPERATOR/20241008/us-west-2/kinesisvideo/aws4_request",
    ]) {
      const malformed = post({ authorization, "x-amz-date": "20241008T200522Z" });
      expect(await errorOf(await emulator.fetch(malformed))).toMatchObject({
        status: 403,
        code: "IncompleteSignatureException",
      });
    }
    const signed = await signedPost("/joinStorageSession", join);
    const hostless = post({
      ...Object.fromEntries(signed.headers),
      authorization: signed.headers.get("authorization")?.replace("host;", "") ?? "",
    });
    expect(await errorOf(await emulator.fetch(hostless))).toMatchObject({
      status: 403,
      code: "IncompleteSignatureException",
      body: { message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." },
    });
  });

  it("checks the credential scope's service and region against the channel", async ({ expect }) => {
    const emulator = emulatorAt();
    const wrongService = await emulator.fetch(
      await signedPost("/joinStorageSession", join, { service: "s3" }),
    );
    expect(await errorOf(wrongService)).toMatchObject({
      status: 403,
      code: "InvalidSignatureException",
      body: { message: "Credential should be scoped to correct service: 'kinesisvideo'. " },
    });
    for (const region of ["eu-west-1", "mars-north-1"]) {
      const response = await emulator.fetch(await signedPost("/joinStorageSession", join, { region }));
      expect(await errorOf(response)).toMatchObject({
        status: 403,
        code: "InvalidSignatureException",
        body: { message: expect.stringContaining("Credential should be scoped to a valid region.") },
      });
    }
    const other = await emulator.fetch(
      await signedPost("/joinStorageSession", { channelArn: otherCamera.arn }, { region: "eu-west-1" }),
    );
    expect(other.status).toBe(200);
  });

  it("requires the right session token, and reports an expired one", async ({ expect }) => {
    const emulator = emulatorAt();
    const { session, operator, expired } = DEMO_CREDENTIALS;
    const cases = [
      [
        { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
        "UnrecognizedClientException",
      ],
      [{ ...session, sessionToken: "forged-token" }, "UnrecognizedClientException"],
      [{ ...operator, sessionToken: "unexpected-token" }, "UnrecognizedClientException"],
      [expired, "ExpiredTokenException"],
    ] as const;
    for (const [credentials, code] of cases) {
      const response = await emulator.fetch(await signedPost("/joinStorageSession", join, { credentials }));
      expect((await errorOf(response)).code).toBe(code);
    }
    const expiredResponse = await emulator.fetch(
      await signedPost("/joinStorageSession", join, { credentials: expired }),
    );
    expect(await errorOf(expiredResponse)).toMatchObject({
      status: 403,
      body: { message: "The security token included in the request is expired" },
    });
  });

  it("rejects a body changed after signing", async ({ expect }) => {
    const signed = await signedPost("/joinStorageSession", join);
    const tampered = new Request(signed, {
      body: JSON.stringify({ channelArn: DEMO_CHANNELS.demoCamera2.arn }),
    });
    expect((await errorOf(await emulatorAt().fetch(tampered))).code).toBe("InvalidSignatureException");
  });
});
