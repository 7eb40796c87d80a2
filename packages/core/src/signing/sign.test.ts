import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { isKvsError } from "../errors/kvs-error.ts";
import { presignUrl, signRequest } from "./sign.ts";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const channelArn = "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000";
const url = "https://w-1234abcd.kinesisvideo.us-west-2.amazonaws.com/joinStorageSession";
const body = JSON.stringify({ channelArn });
const date = new Date("2026-11-22T10:00:00Z");

function connectUrl(): URL {
  const url = new URL("wss://m-1234abcd.kinesisvideo.us-west-2.amazonaws.com");
  url.searchParams.set("X-Amz-ChannelARN", channelArn);
  return url;
}

describe("signRequest", () => {
  it("signs exactly as aws4fetch does, with the region and service explicit", async () => {
    const signed = await signRequest(
      { method: "POST", url, headers: { "content-type": "application/json" }, body },
      { credentials, region: "us-west-2", date },
    );
    const reference = await new AwsV4Signer({
      method: "POST",
      url,
      headers: { "content-type": "application/json" },
      body,
      ...credentials,
      service: "kinesisvideo",
      region: "us-west-2",
      datetime: "20261122T100000Z",
    }).sign();
    expect(signed.headers.get("authorization")).toBe(reference.headers.get("authorization"));
    expect(signed.headers.get("authorization")).toContain("/20261122/us-west-2/kinesisvideo/aws4_request");
    expect(signed.headers.get("authorization")).toContain("SignedHeaders=host;x-amz-date,");
  });

  it("signs a repeated request shape exactly as aws4fetch does at every new time", async () => {
    const session = { ...credentials, sessionToken: "token-abc" };
    const headers = { "content-type": "application/json", "x-custom": "  a   b " };
    for (const iso of ["2026-11-22T10:00:00Z", "2026-11-22T10:00:01Z", "2026-11-23T00:00:00Z"]) {
      const when = new Date(iso);
      const signed = await signRequest(
        { method: "POST", url, headers, body },
        { credentials: session, region: "us-west-2", date: when },
      );
      const reference = await new AwsV4Signer({
        method: "POST",
        url,
        headers,
        body,
        ...session,
        service: "kinesisvideo",
        region: "us-west-2",
        datetime: iso.replace(/[-:]/g, ""),
      }).sign();
      expect(Object.fromEntries(signed.headers)).toEqual(Object.fromEntries(reference.headers));
    }
  });

  it("keeps cached keys apart per secret, region and day, each signature aws4fetch's", async () => {
    const sign = async (secretAccessKey: string, region: string, iso: string) => {
      const credentials = { accessKeyId: "AKID", secretAccessKey };
      const options = { credentials, region, date: new Date(iso) };
      const ours = (await signRequest({ method: "POST", url, body }, options)).headers.get("authorization");
      const reference = await new AwsV4Signer({
        method: "POST",
        url,
        body,
        ...credentials,
        service: "kinesisvideo",
        region,
        datetime: iso.replace(/[-:]/g, ""),
      }).sign();
      expect(ours).toBe(reference.headers.get("authorization"));
      return ours?.slice(-64);
    };
    const base = await sign("secret-a", "us-west-2", "2026-11-22T10:00:00Z");
    expect(await sign("secret-a", "us-west-2", "2026-11-22T10:00:00Z")).toBe(base);
    expect(await sign("secret-b", "us-west-2", "2026-11-22T10:00:00Z")).not.toBe(base);
    expect(await sign("secret-a", "eu-west-1", "2026-11-22T10:00:00Z")).not.toBe(base);
    expect(await sign("secret-a", "us-west-2", "2026-11-23T10:00:00Z")).not.toBe(base);
  });

  it("signs the session token and a Request's body, returning a Request", async () => {
    const request = new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const signed = await signRequest(request, {
      credentials: { ...credentials, sessionToken: "token-123" },
      region: "us-west-2",
      date,
    });
    expect(signed).toBeInstanceOf(Request);
    expect(signed.headers.get("x-amz-security-token")).toBe("token-123");
    expect(signed.headers.get("authorization")).toContain(
      "SignedHeaders=host;x-amz-date;x-amz-security-token,",
    );
    expect(await signed.text()).toBe(body);
  });

  it("keeps a Request's signal and redirect, and leaves the caller's Request unread", async () => {
    const controller = new AbortController();
    const request = new Request(url, { method: "POST", body, signal: controller.signal, redirect: "manual" });
    const signed = await signRequest(request, { credentials, region: "us-west-2", date });
    expect(signed.redirect).toBe("manual");
    controller.abort();
    expect(signed.signal.aborted).toBe(true);
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe(body);
  });

  it("signs a binary Request body exactly as aws4fetch signs its bytes", async () => {
    const bytes = new Uint8Array([0, 159, 255, 10, 13, 32]);
    const reference = await new AwsV4Signer({
      method: "PUT",
      url,
      body: bytes,
      ...credentials,
      service: "kinesisvideo",
      region: "us-west-2",
      datetime: "20261122T100000Z",
    }).sign();
    for (let repeat = 0; repeat < 2; repeat++) {
      const request = new Request(url, { method: "PUT", body: bytes });
      const signed = await signRequest(request, { credentials, region: "us-west-2", date });
      expect(signed.headers.get("authorization")).toBe(reference.headers.get("authorization"));
      expect(new Uint8Array(await signed.arrayBuffer())).toEqual(bytes);
    }
  });

  it("names the field and rule for a bad region or credentials", async () => {
    const failure = await signRequest({ url, body }, { credentials, region: "US West" }).catch(
      (e: unknown) => e,
    );
    expect(isKvsError(failure, "InvalidArgumentException") && failure.issues[0]?.path).toBe("region");
    const noKey = await signRequest(
      { url },
      { credentials: { accessKeyId: "", secretAccessKey: "x" }, region: "us-west-2" },
    ).catch((e: unknown) => e);
    expect(isKvsError(noKey) && noKey.message).toBe(
      "Invalid input: credentials.accessKeyId must be a non-empty string",
    );
  });
});

describe("signRequest, given what only JavaScript callers can pass", () => {
  const reference = (headers: Record<string, string>, when: Date) =>
    new AwsV4Signer({
      method: "POST",
      url,
      headers,
      body,
      ...credentials,
      service: "kinesisvideo",
      region: "us-west-2",
      datetime: when.toISOString().replace(/[-:]|\.\d{3}/g, ""),
    }).sign();

  it("never signs one request with another's cached headers when values are not strings", async () => {
    // each pair renders the same as JSON but differently as header text
    const pairs: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ "x-n": Number.NaN }, { "x-n": null }],
      [{ "x-n": undefined }, {}],
      [{ "x-d": new Date(0) }, { "x-d": "1970-01-01T00:00:00.000Z" }],
    ];
    for (const [first, second] of pairs) {
      for (const headers of [first, second]) {
        const signed = await signRequest(
          { method: "POST", url, headers: headers as Record<string, string>, body },
          { credentials, region: "us-west-2", date },
        );
        const expected = await reference(Object.fromEntries(new Headers(headers as HeadersInit)), date);
        expect(Object.fromEntries(signed.headers)).toEqual(Object.fromEntries(expected.headers));
      }
    }
  });

  it("refuses services SigV4 signs apart, and bodies it cannot hash, naming the field", async () => {
    for (const service of ["s3", "iotdevicegateway", "Kinesis Video"]) {
      const failure = await signRequest({ url, body }, { credentials, region: "us-west-2", service }).catch(
        (e: unknown) => e,
      );
      expect(isKvsError(failure, "InvalidArgumentException") && failure.issues[0]?.path).toBe("service");
    }
    const fake = { byteLength: 3 } as unknown as ArrayBuffer;
    const failure = await signRequest({ url, body: fake }, { credentials, region: "us-west-2" }).catch(
      (e: unknown) => e,
    );
    expect(isKvsError(failure, "InvalidArgumentException") && failure.issues[0]?.path).toBe("body");
  });

  it("checks its options before asking a credentials provider", async () => {
    let asked = 0;
    const provider = async () => {
      asked++;
      return credentials;
    };
    const failure = await signRequest({ url }, { credentials: provider, region: "Mars" }).catch(
      (e: unknown) => e,
    );
    expect(isKvsError(failure, "InvalidArgumentException")).toBe(true);
    expect(asked).toBe(0);
  });
});

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
