import { AwsClient, AwsV4Signer } from "aws4fetch";
import { formatAmzDate } from "../src/emulator/amz-date.ts";
import { DEMO_CREDENTIALS, DEMO_NOW, DEMO_REGION } from "../src/fixtures/demo-data.ts";

/** Origin the fetch-handler tests address; any origin works, the emulator answers them all. */
export const ORIGIN = "http://emulator.test";

/** Credentials as aws4fetch takes them. */
export interface TestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** How a test request is signed; defaults are the demo operator in us-west-2 at DEMO_NOW. */
export interface SignOptions {
  readonly credentials?: TestCredentials;
  readonly region?: string;
  readonly service?: string;
  readonly signedAt?: number;
  /** Where the request goes; default {@link ORIGIN}. */
  readonly origin?: string;
}

/**
 * A SigV4-signed JSON POST made with aws4fetch, independent of the verifier under test.
 *
 * @example
 * await emulator.fetch(await signedPost("/joinStorageSession", { channelArn }));
 */
export async function signedPost(path: string, body: unknown, options: SignOptions = {}): Promise<Request> {
  const client = new AwsClient({
    ...(options.credentials ?? DEMO_CREDENTIALS.operator),
    service: options.service ?? "kinesisvideo",
    region: options.region ?? DEMO_REGION,
    retries: 0,
  });
  return client.sign(`${options.origin ?? ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    aws: { datetime: formatAmzDate(options.signedAt ?? DEMO_NOW) },
  });
}

/**
 * A presigned signaling URL (ConnectAsMaster, or ConnectAsViewer with a client id), as the KVS SDKs build it.
 *
 * @example
 * const url = await presignConnect("ws://127.0.0.1:8790", channelArn, { clientId: "viewer-1" });
 */
export async function presignConnect(
  origin: string,
  channelArn: string,
  options: SignOptions & { readonly clientId?: string; readonly expiresSeconds?: number } = {},
): Promise<string> {
  const url = new URL("/", origin.replace(/^ws/, "http"));
  url.searchParams.set("X-Amz-ChannelARN", channelArn);
  if (options.clientId !== undefined) url.searchParams.set("X-Amz-ClientId", options.clientId);
  url.searchParams.set("X-Amz-Expires", String(options.expiresSeconds ?? 299));
  const signer = new AwsV4Signer({
    ...(options.credentials ?? DEMO_CREDENTIALS.operator),
    url: url.toString(),
    method: "GET",
    service: options.service ?? "kinesisvideo",
    region: options.region ?? DEMO_REGION,
    signQuery: true,
    datetime: formatAmzDate(options.signedAt ?? DEMO_NOW),
  });
  const signed = await signer.sign();
  return signed.url.toString().replace(/^http/, origin.startsWith("ws") ? "ws" : "http");
}

/**
 * Reads an AWS error response into its parts.
 *
 * @example
 * expect(await errorOf(response)).toMatchObject({ status: 403, code: "InvalidSignatureException" });
 */
export async function errorOf(response: Response) {
  return {
    status: response.status,
    type: response.headers.get("x-amzn-ErrorType"),
    code: response.headers.get("x-amzn-ErrorType")?.split(":")[0],
    contentType: response.headers.get("content-type"),
    requestId: response.headers.get("x-amzn-RequestId"),
    body: (await response.json()) as unknown,
  };
}
