import { describe, expect, it } from "vitest";
import { isKvsError, KvsError } from "./kvs-error.ts";
import { isClockSkewError, parseAwsError, sanitizeErrorCode } from "./parse-aws-error.ts";

const answer = (status: number, headers: Record<string, string>, body: string) => ({
  status,
  headers: new Headers(headers),
  body,
});

// real answer shapes: WebRTC Storage (rest-json, `message`), control plane and signaling (`Message`), AWS front ends
const TABLE = [
  {
    case: "header-only code with the coral namespace suffix",
    answer: answer(
      404,
      {
        "x-amzn-ErrorType":
          "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.kinesisvideo/",
        "x-amzn-RequestId": "req-1",
      },
      '{"message":"The requested channel is not found or not active."}',
    ),
    expected: {
      code: "ResourceNotFoundException",
      status: 404,
      retryable: false,
      fault: "client",
      requestId: "req-1",
    },
    message: "The requested channel is not found or not active.",
  },
  {
    case: "body-only `code`",
    answer: answer(400, {}, '{"code":"InvalidArgumentException","message":"Channel has no media storage"}'),
    expected: { code: "InvalidArgumentException", status: 400, retryable: false, throttling: false },
    message: "Channel has no media storage",
  },
  {
    case: "namespaced `__type` with `Message` (control plane)",
    answer: answer(
      400,
      { "x-amzn-requestid": "req-2" },
      '{"__type":"com.amazonaws.kinesisvideo.v20170930#ClientLimitExceededException","Message":"Too many requests"}',
    ),
    expected: { code: "ClientLimitExceededException", retryable: true, throttling: true, requestId: "req-2" },
    message: "Too many requests",
  },
  {
    case: "the viewer cap variant of ClientLimitExceeded",
    answer: answer(
      400,
      { "x-amzn-ErrorType": "ClientLimitExceededException" },
      '{"message":"The maximum number of viewers connected to the session has been reached."}',
    ),
    expected: {
      code: "ViewerLimitExceeded",
      retryable: false,
      throttling: false,
      rawCode: "ClientLimitExceededException",
    },
  },
  {
    case: "HTML 502 from a load balancer",
    answer: answer(
      502,
      { "content-type": "text/html" },
      "<html><body><h1>502 Bad Gateway</h1></body></html>",
    ),
    expected: { code: "UnknownError", status: 502, retryable: true, fault: "server", rawCode: undefined },
    message: "HTTP 502 with no error message",
  },
  {
    case: "empty body 503",
    answer: answer(503, {}, ""),
    expected: { code: "UnknownError", status: 503, retryable: true, fault: "server" },
  },
  {
    case: "unmodeled 5xx code stays a server fault",
    answer: answer(500, { "x-amzn-ErrorType": "SomethingNewException" }, '{"message":"boom"}'),
    expected: { code: "UnknownError", rawCode: "SomethingNewException", fault: "server", retryable: true },
  },
  {
    case: "JSON-protocol spelling of a common error",
    answer: answer(
      403,
      { "x-amzn-ErrorType": "IncompleteSignatureException" },
      '{"message":"Authorization header requires..."}',
    ),
    expected: { code: "IncompleteSignature", status: 403, rawCode: "IncompleteSignatureException" },
  },
  {
    case: "throttling with Retry-After seconds",
    answer: answer(
      400,
      { "x-amzn-ErrorType": "ThrottlingException", "retry-after": "3" },
      '{"message":"Rate exceeded"}',
    ),
    expected: { code: "ThrottlingException", throttling: true, retryable: true, retryAfterMs: 3000 },
  },
  {
    case: "bare 429 without a code",
    answer: answer(429, { "x-amz-retry-after": "1500" }, ""),
    expected: { code: "UnknownError", throttling: true, retryable: true, retryAfterMs: 1500 },
  },
  {
    case: "internal failure is transient",
    answer: answer(500, {}, '{"__type":"InternalFailure","message":"We encountered an internal error."}'),
    expected: { code: "InternalFailure", retryable: true, fault: "server" },
  },
] as const;

describe("parseAwsError", () => {
  it.each(TABLE.map((row) => [row.case, row] as const))("%s", (_case, row) => {
    const error = parseAwsError(row.answer, { nowMs: 0 });
    expect(error).toBeInstanceOf(KvsError);
    expect(error).toMatchObject(row.expected);
    expect(error.name).toBe(row.expected.code);
    if ("message" in row) expect(error.message).toBe(row.message);
  });

  it("prefers the header over `code` over `__type`", () => {
    const both = answer(
      400,
      { "x-amzn-errortype": "AccessDeniedException" },
      '{"code":"InvalidArgumentException","__type":"ResourceNotFoundException"}',
    );
    expect(parseAwsError(both).code).toBe("AccessDeniedException");
    const body = answer(400, {}, '{"code":"InvalidArgumentException","__type":"ResourceNotFoundException"}');
    expect(parseAwsError(body).code).toBe("InvalidArgumentException");
  });

  it("treats wire codes named like Object.prototype members as unmodeled, not as aliases", () => {
    const unmodeled = parseAwsError(answer(400, { "x-amzn-errortype": "SomethingNew" }, "{}"));
    for (const wireCode of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      const error = parseAwsError(answer(400, { "x-amzn-errortype": wireCode }, "{}"));
      expect(error.code).toBe(unmodeled.code);
    }
  });

  it("removes secrets and the canonical-request dump from messages", () => {
    const leaky = answer(
      403,
      { "x-amzn-ErrorType": "InvalidSignatureException" },
      JSON.stringify({
        message:
          "The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been\n'POST\n/\n\nx-amz-security-token:SECRET-TOKEN-VALUE\n'",
      }),
    );
    const error = parseAwsError(leaky, { secrets: ["SECRET-TOKEN-VALUE"] });
    expect(error.message).toBe(
      "The request signature we calculated does not match the signature you provided.",
    );
    expect(JSON.stringify(error)).not.toContain("SECRET-TOKEN-VALUE");
  });

  it.each([
    ["aws.protocoltests#FooError:http://internal.amazon.com/coral/", "FooError"],
    ["FooError,BarError", "FooError"],
    ["com.amazon#FooError", "FooError"],
    ["FooError", "FooError"],
  ])("sanitizes %s to %s", (raw, code) => {
    expect(sanitizeErrorCode(raw)).toBe(code);
  });

  it("recognises clock-skew answers", () => {
    const expired = parseAwsError(
      answer(
        403,
        { "x-amzn-ErrorType": "InvalidSignatureException" },
        '{"message":"Signature expired: 20241008T195522Z is now earlier than 20241008T200022Z (20241008T200522Z - 5 min.)"}',
      ),
    );
    expect(isClockSkewError(expired)).toBe(true);
    const mismatch = parseAwsError(
      answer(403, { "x-amzn-ErrorType": "InvalidSignatureException" }, '{"message":"no"}'),
    );
    expect(isClockSkewError(mismatch)).toBe(false);
  });

  it("guards by brand, so copies of the class are recognised", () => {
    const foreign = Object.assign(new Error("x"), {
      [Symbol.for("kvs-webrtc-storage.KvsError")]: true,
      code: "TimeoutError",
    });
    expect(isKvsError(foreign, "TimeoutError")).toBe(true);
    expect(isKvsError(new Error("x"))).toBe(false);
    expect(isKvsError(null)).toBe(false);
  });
});
