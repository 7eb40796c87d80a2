import fc from "fast-check";
import { describe, it } from "vitest";
import { parseSignature } from "./sigv4-parse.ts";

const headersOf = (values: Record<string, string>) => (name: string) => values[name];

describe("parseSignature", () => {
  it("never throws, and only claims what a well-formed header states", ({ expect }) => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (authorization, date) => {
        const result = parseSignature(
          headersOf({ authorization, "x-amz-date": date }),
          new URLSearchParams(),
        );
        if (result.ok) {
          expect(authorization.startsWith("AWS4-HMAC-SHA256")).toBe(true);
          expect(result.claim.signedHeaders).toContain("host");
        }
      }),
    );
  });

  it("lists every missing part the way AWS does", ({ expect }) => {
    const result = parseSignature(headersOf({ authorization: "Bearer token" }), new URLSearchParams());
    expect(result).toEqual({
      ok: false,
      failure: {
        kind: "incomplete",
        detail:
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      },
    });
  });

  it("reads a complete header, and the Date header when X-Amz-Date is absent", ({ expect }) => {
    const authorization =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
    const result = parseSignature(
      headersOf({ authorization, date: "Sun, 30 Aug 2015 12:36:00 GMT" }),
      new URLSearchParams(),
    );
    expect(result).toMatchObject({
      ok: true,
      claim: {
        via: "header",
        accessKeyId: "AKIDEXAMPLE",
        scope: { date: "20150830", region: "us-east-1", service: "iam" },
        amzDate: "20150830T123600Z",
        signedHeaders: ["host", "x-amz-date"],
      },
    });
  });

  it("requires every presigned parameter and a sane X-Amz-Expires", ({ expect }) => {
    const query = (extra: Record<string, string>) =>
      new URLSearchParams({
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKID/20150830/us-east-1/kinesisvideo/aws4_request",
        "X-Amz-Date": "20150830T123600Z",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "abc",
        ...extra,
      });
    expect(parseSignature(headersOf({}), query({}))).toMatchObject({
      ok: false,
      failure: { kind: "incomplete" },
    });
    expect(parseSignature(headersOf({}), query({ "X-Amz-Expires": "604801" }))).toMatchObject({ ok: false });
    expect(parseSignature(headersOf({}), query({ "X-Amz-Expires": "300" }))).toMatchObject({
      ok: true,
      claim: { via: "query", expiresSeconds: 300 },
    });
    expect(parseSignature(headersOf({}), new URLSearchParams())).toEqual({
      ok: false,
      failure: { kind: "missing-token" },
    });
  });
});
