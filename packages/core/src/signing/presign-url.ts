/** @module SigV4 query-string signing (presigned URLs), e.g. the signaling WebSocket's ConnectAsMaster. */
import { credentialSource } from "../credentials.ts";
import { invalidArgument } from "../errors/kvs-error.ts";
import { checkRegion } from "../model/rules.ts";
import { CachingSigner } from "./caching-signer.ts";
import type { SignOptions } from "./sign-request.ts";
import { toAmzDate } from "./signing-key.ts";

// SigV4 caps presigned URLs at seven days
const MAX_EXPIRES_SECONDS = 604_800;

export interface PresignOptions extends SignOptions {
  /** Seconds the URL stays valid (`X-Amz-Expires`); KVS signaling clients use 299. */
  readonly expiresIn: number;
}

/**
 * Presigns a URL with SigV4 query authentication (`X-Amz-Signature` and friends). A session token goes into the
 * canonical query before signing, as the KVS signaling service requires.
 *
 * @example
 * const url = new URL(wssEndpoint);
 * url.searchParams.set("X-Amz-ChannelARN", channelArn);
 * const signed = await presignUrl(url, { credentials, region: "us-west-2", expiresIn: 299 });
 * new WebSocket(signed);
 */
export async function presignUrl(url: string | URL, options: PresignOptions): Promise<URL> {
  const expiresIn = requireInteger(options.expiresIn, "expiresIn", 1, MAX_EXPIRES_SECONDS);
  const credentials = await credentialSource(options.credentials)();
  const target = new URL(url);
  target.searchParams.set("X-Amz-Expires", String(expiresIn));
  const signer = new CachingSigner({
    method: "GET",
    url: target.toString(),
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    service: options.service ?? "kinesisvideo",
    region: checkRegion(options.region),
    datetime: toAmzDate(options.date ?? new Date()),
    signQuery: true,
  });
  const signed = await signer.sign();
  return signed.url;
}

function requireInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument([{ path, message: `must be an integer from ${min} to ${max}` }]);
  }
  return value;
}
