import { parseChannelArn } from "./arn.ts";
import { authFailureToError } from "./auth-failure.ts";
import { type AwsError, awsErrorResponse, type Plane } from "./aws-error.ts";
import { type JsonObject, parseJsonBody } from "./request-body.ts";
import { toSignedRequest, verifySigV4 } from "./sigv4-verify.ts";
import type { EmulatorState } from "./state.ts";

/** The signing service of every KVS endpoint, the signaling ones included. */
export const SERVICE = "kinesisvideo";

/**
 * The region a request must be signed for: its channel's, when the request names one the emulator knows
 * (or a well-formed ARN); otherwise any region the data set has channels in.
 *
 * @example
 * expectedRegions(state, { ChannelName: "demo-camera" }); // Set { "us-west-2" }
 */
export function expectedRegions(
  state: EmulatorState,
  names: { arn?: unknown; name?: unknown },
): ReadonlySet<string> {
  const byName = typeof names.name === "string" ? state.registry.channelByName(names.name) : undefined;
  const region =
    byName?.region ?? (typeof names.arn === "string" ? parseChannelArn(names.arn)?.region : undefined);
  return region === undefined ? state.registry.regions : new Set([region]);
}

/** The outcome of authenticating a request. */
export type AuthResult = { readonly ok: true } | { readonly ok: false; readonly error: AwsError };

/**
 * Verifies a request's SigV4 signature for KVS in the given regions.
 *
 * @example
 * const auth = await authenticate(state, request, body, regions);
 * if (!auth.ok) return awsErrorResponse(auth.error, "storage");
 */
export async function authenticate(
  state: EmulatorState,
  request: Request,
  body: Uint8Array<ArrayBuffer>,
  regions: ReadonlySet<string>,
): Promise<AuthResult> {
  const result = await verifySigV4(toSignedRequest(request, body), {
    service: SERVICE,
    regions,
    now: state.now(),
    credential: state.registry.credential,
  });
  return result.ok ? { ok: true } : { ok: false, error: authFailureToError(result.failure) };
}

/**
 * Authenticates a JSON route and reads its body, parsed once: the channel it names picks the signing region,
 * then the signature is verified; a signature error comes before a body error, as AWS answers.
 *
 * @example
 * const body = await authenticatedJson(state, c.req.raw, c.env, "storage", "channelArn");
 * if (!body.ok) return body.response;
 */
export async function authenticatedJson(
  state: EmulatorState,
  request: Request,
  bindings: { readonly body: Uint8Array<ArrayBuffer>; readonly text: string },
  plane: Plane,
  arnKey: string,
  nameKey?: string,
): Promise<{ ok: true; value: JsonObject } | { ok: false; response: Response }> {
  const parsed = parseJsonBody(bindings.text);
  const members = parsed.ok ? parsed.value : {};
  const names = { arn: members[arnKey], name: nameKey === undefined ? undefined : members[nameKey] };
  const auth = await authenticate(state, request, bindings.body, expectedRegions(state, names));
  if (!auth.ok) return { ok: false, response: awsErrorResponse(auth.error, plane) };
  return parsed.ok ? parsed : { ok: false, response: awsErrorResponse(parsed.error, plane) };
}
