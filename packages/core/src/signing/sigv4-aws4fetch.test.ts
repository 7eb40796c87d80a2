import { AwsV4Signer } from "aws4fetch";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signRequest } from "./sign.ts";
import {
  canonicalTemplate,
  type SignableRequest,
  type SigningContext,
  signWithHeaders,
  signWithQuery,
  toAmzDate,
} from "./sigv4.ts";

// core's SigV4 against aws4fetch 1.0.20, the reference, on generated requests
const text = (alphabet: string, maxLength: number, minLength = 0) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
const tricky = "aZ09-._~ %+=&!*'()@:;,$/\\é😀";

const segment = fc.oneof(
  fc.constantFrom("", ".", "..", "%2e%2e", "%2F", "%20", "a b", "%zz", "!'()*", "ü"),
  text(tricky.replace("/", ""), 6),
);
const path = fc.array(segment, { maxLength: 5 }).map((segments) => `/${segments.join("/")}`);
const query = fc
  .array(fc.tuple(fc.constantFrom("a", "A", "b", "", "X-Amz-Date", "ä b"), text(tricky, 5), fc.boolean()), {
    maxLength: 5,
  })
  .map((pairs) => pairs.map(([name, value, bare]) => (bare ? name : `${name}=${value}`)).join("&"));
const url = fc
  .tuple(
    fc.constantFrom("https://example.amazonaws.com", "http://127.0.0.1:8790", "https://h.example:8443"),
    path,
    query,
  )
  .map(([origin, p, q]) => `${origin}${p}${q === "" ? "" : `?${q}`}`);

const headerName = fc.oneof(
  fc.constantFrom(
    "X-Amz-Meta-Foo",
    "x-amz-meta-foo",
    "Content-Type",
    "Range",
    "User-Agent",
    "Host",
    "X-Amz-Date",
  ),
  fc.constantFrom("X-Amz-Security-Token", "Authorization", "Connection", "x-amzn-trace-id", "Expect"),
  fc.constantFrom("X-Amz-Content-Sha256"),
  text("abcXYZ-_!#$%&'*+.^`|~019", 8, 1),
);
const headerValue = text(' \tabcXYZ,;="é\u00a0\u000b019', 10);
const headers = fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 });

const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => {
  // a view into a larger buffer: only its own bytes are the body
  const backing = new Uint8Array(b.length + 4);
  backing.set(b, 2);
  return backing.subarray(2, 2 + b.length);
});
const body = fc.oneof(
  fc.constantFrom(null, ""),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  bytes,
  // past the synchronous limit: hashed by Web Crypto
  fc.string({ minLength: 4097, maxLength: 4200 }),
);

const request: fc.Arbitrary<SignableRequest> = fc.record(
  {
    method: fc.constantFrom("GET", "POST", "put", "DELETE", "Custom"),
    url,
    headers,
    body,
  },
  { requiredKeys: ["url"] },
);
const context: fc.Arbitrary<SigningContext> = fc.record({
  credentials: fc.record(
    {
      accessKeyId: text("AKID019", 12, 1),
      secretAccessKey: text("abc/+019", 20, 1),
      sessionToken: text("Tok+/=", 20),
    },
    { requiredKeys: ["accessKeyId", "secretAccessKey"] },
  ),
  region: fc.constantFrom("us-west-2", "eu-central-1"),
  service: fc.constantFrom("kinesisvideo", "execute-api", "service"),
  datetime: fc
    .date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true })
    .map(toAmzDate),
  allHeaders: fc.boolean(),
});

const fromAmzDate = (datetime: string) =>
  new Date(datetime.replace(/^(....)(..)(..)T(..)(..)(..)Z$/, "$1-$2-$3T$4:$5:$6Z"));

function reference(request: SignableRequest, context: SigningContext, signQuery: boolean) {
  const { sessionToken, ...keys } = context.credentials;
  return new AwsV4Signer({
    ...request,
    url: request.url.toString(),
    ...keys,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    region: context.region,
    service: context.service,
    datetime: context.datetime,
    allHeaders: context.allHeaders,
    signQuery,
  });
}

describe("SigV4 equals aws4fetch's", () => {
  it("canonical request and signed headers, first and again from the cache a second later", async () => {
    await fc.assert(
      fc.asyncProperty(request, context, async (req, ctx) => {
        for (const datetime of [
          ctx.datetime,
          toAmzDate(new Date(fromAmzDate(ctx.datetime).getTime() + 1000)),
        ]) {
          const at = { ...ctx, datetime };
          const signer = reference(req, at, false);
          const template = await canonicalTemplate(req, at);
          expect(`${template.before}${datetime}${template.after}`).toBe(await signer.canonicalString());
          const expected = await signer.sign();
          const signed = await signWithHeaders(req, at);
          expect([signed.method, signed.url]).toEqual([expected.method, expected.url.toString()]);
          // both appended to a Headers, as fetch sends them: it trims a combined value such as ", "
          const sent = (entries: [string, string][]) => Object.fromEntries(new Headers(entries));
          expect(sent(Object.entries(signed.headers))).toEqual(sent([...expected.headers]));
        }
      }),
    );
  });

  it("presigned query (signQuery), the session token inside the signed query", async () => {
    await fc.assert(
      fc.asyncProperty(request, context, async (req, ctx) => {
        const expected = await reference(req, ctx, true).sign();
        expect((await signWithQuery(req, ctx)).toString()).toBe(expected.url.toString());
      }),
    );
  });

  it("a Request's signature, its body read as bytes", async () => {
    const withBody = fc.record({
      method: fc.constantFrom("POST", "PUT", "PATCH"),
      url,
      headers,
      body: fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), bytes),
    });
    await fc.assert(
      fc.asyncProperty(withBody, context, async (req, ctx) => {
        const options = { credentials: ctx.credentials, region: ctx.region, service: ctx.service };
        const signed = await signRequest(new Request(req.url, req), {
          ...options,
          date: fromAmzDate(ctx.datetime),
          allHeaders: ctx.allHeaders,
        });
        const sent = new Request(req.url, req);
        const parts = { ...req, headers: sent.headers, body: await sent.arrayBuffer() };
        const expected = await reference(parts, ctx, false).sign();
        expect(signed.headers.get("authorization")).toBe(expected.headers.get("authorization"));
      }),
    );
  });
});
