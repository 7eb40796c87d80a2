import { AwsV4Signer } from "aws4fetch";
import fc from "fast-check";
import { describe, it } from "vitest";
import { DEMO_CREDENTIALS, DEMO_NOW } from "../fixtures/demo-data.ts";
import { formatAmzDate } from "./amz-date.ts";
import { toSignedRequest, type VerifyOptions, verifySigV4 } from "./sigv4-verify.ts";

const { operator, session } = DEMO_CREDENTIALS;
const options: VerifyOptions = {
  service: "kinesisvideo",
  regions: new Set(["us-west-2"]),
  now: DEMO_NOW,
  credential: (id) => [operator, session].find((credential) => credential.accessKeyId === id),
};

const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== "." && s !== "..");
const requestShape = fc.record({
  segments: fc.array(segment, { maxLength: 4 }),
  query: fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 })), {
    maxLength: 4,
  }),
  body: fc.string({ maxLength: 200 }),
  header: fc.stringMatching(/^[ -~]{0,40}$/),
  session: fc.boolean(),
});

type RequestShape = typeof requestShape extends fc.Arbitrary<infer T> ? T : never;

async function sign(shape: RequestShape, signQuery = false): Promise<Request> {
  const url = new URL(`http://emulator.test/${shape.segments.map(encodeURIComponent).join("/")}`);
  for (const [key, value] of shape.query) url.searchParams.append(key, value);
  if (signQuery) url.searchParams.set("X-Amz-Expires", "300");
  const signer = new AwsV4Signer({
    ...(shape.session ? session : operator),
    url: url.toString(),
    method: signQuery ? "GET" : "POST",
    headers: { "x-custom": shape.header },
    ...(signQuery ? { signQuery: true } : { body: shape.body }),
    service: "kinesisvideo",
    region: "us-west-2",
    datetime: formatAmzDate(DEMO_NOW),
  });
  const signed = await signer.sign();
  return new Request(signed.url, {
    method: signed.method,
    headers: signed.headers,
    ...(signQuery ? {} : { body: shape.body }),
  });
}

const bodyOf = async (request: Request) => new Uint8Array(await request.clone().arrayBuffer());

describe("verifySigV4 against aws4fetch", () => {
  it("accepts any request aws4fetch signs: paths, queries, bodies, header values, session tokens", async () => {
    await fc.assert(
      fc.asyncProperty(requestShape, async (shape) => {
        const request = await sign(shape);
        const result = await verifySigV4(toSignedRequest(request, await bodyOf(request)), options);
        if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.failure)}`);
      }),
      { numRuns: 150 },
    );
  });

  it("rejects the request once the body changes", async () => {
    await fc.assert(
      fc.asyncProperty(requestShape, fc.string({ minLength: 1, maxLength: 5 }), async (shape, extra) => {
        const request = await sign(shape);
        const changed = new TextEncoder().encode(`${shape.body}${extra}`);
        const result = await verifySigV4(toSignedRequest(request, changed), options);
        if (result.ok || result.failure.kind !== "signature-mismatch")
          throw new Error("accepted a changed body");
      }),
      { numRuns: 100 },
    );
  });

  it("verifies a presigned URL, excluding only X-Amz-Signature from the canonical query", async ({
    expect,
  }) => {
    const shape = {
      segments: [],
      query: [["X-Amz-ChannelARN", "arn"]] as [string, string][],
      body: "",
      header: "",
      session: true,
    };
    const request = await sign(shape, true);
    expect(await verifySigV4(toSignedRequest(request, new Uint8Array()), options)).toMatchObject({
      ok: true,
    });
    const late = await verifySigV4(toSignedRequest(request, new Uint8Array()), {
      ...options,
      now: DEMO_NOW + 301_000,
    });
    expect(late).toEqual({ ok: false, failure: { kind: "presign-expired" } });
  });
});
