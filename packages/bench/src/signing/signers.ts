/** @module The SigV4 signers under comparison, set up identically on every runtime. */
import { Sha256 } from "@aws-crypto/sha256-browser";
import { signRequest } from "@kvs-webrtc-storage/core";
import { DEMO_CHANNELS, DEMO_CREDENTIALS, DEMO_REGION } from "@kvs-webrtc-storage/testing/fixtures";
import { SignatureV4 } from "@smithy/signature-v4";
import { AwsClient, AwsV4Signer } from "aws4fetch";
import type { SignerName } from "./signer-names.ts";

/** One signer: signs the same JoinStorageSession request once per call. */
export interface Signer {
  readonly name: SignerName;
  sign(): Promise<unknown>;
}

const HOST = "r-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com";
const PATH = "/joinStorageSession";
const BODY = JSON.stringify({ channelArn: DEMO_CHANNELS.demoCamera.arn });
const SERVICE = "kinesisvideo";
const credentials = DEMO_CREDENTIALS.operator;

/**
 * Which SHA-256 the smithy signer ends up with: `@aws-crypto/sha256-browser` (what the SDK's browser and
 * Workers builds pass) uses Web Crypto where a `self`/`window` global offers it, else its pure-JS fallback.
 *
 * @example
 * ```ts
 * smithySha256(); // "webcrypto" on Deno, Bun and workerd; "js" on Node (no `self`)
 * ```
 */
export function smithySha256(): "webcrypto" | "js" {
  const scope = Reflect.get(globalThis, "window") ?? Reflect.get(globalThis, "self");
  return typeof scope?.crypto?.subtle?.sign === "function" ? "webcrypto" : "js";
}

/**
 * Creates the signers with warm keys: core caches its signing key itself, aws4fetch shares one key
 * cache `Map` across signer instances (as `AwsClient` does), the `AwsClient` is created once, and smithy
 * keeps one `SignatureV4`. The `Request` signers build their `Request` inside each call.
 *
 * @example
 * ```ts
 * for (const signer of createSigners()) await signer.sign();
 * ```
 */
export function createSigners(): Signer[] {
  const aws4fetchCache = new Map<string, ArrayBuffer>();
  const smithy = new SignatureV4({ credentials, region: DEMO_REGION, service: SERVICE, sha256: Sha256 });
  const client = new AwsClient({ ...credentials, service: SERVICE, region: DEMO_REGION, retries: 0 });
  const url = `https://${HOST}${PATH}`;
  const request = () =>
    new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: BODY });
  return [
    {
      name: "core",
      sign: () =>
        signRequest(
          { method: "POST", url, headers: { "content-type": "application/json" }, body: BODY },
          { credentials, region: DEMO_REGION },
        ),
    },
    {
      name: "aws4fetch",
      sign: () =>
        new AwsV4Signer({
          method: "POST",
          url,
          headers: { "content-type": "application/json" },
          body: BODY,
          ...credentials,
          service: SERVICE,
          region: DEMO_REGION,
          cache: aws4fetchCache,
        }).sign(),
    },
    {
      name: "coreRequest",
      sign: () => signRequest(request(), { credentials, region: DEMO_REGION }),
    },
    { name: "aws4fetchClient", sign: () => client.sign(request()) },
    {
      name: "smithy",
      sign: () =>
        smithy.sign({
          method: "POST",
          protocol: "https:",
          hostname: HOST,
          path: PATH,
          query: {},
          headers: { host: HOST, "content-type": "application/json" },
          body: BODY,
        }),
    },
  ];
}
