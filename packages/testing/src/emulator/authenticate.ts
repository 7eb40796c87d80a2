import { parseChannelArn } from "./arn.ts";
import { authFailureToError } from "./auth-failure.ts";
import { type AwsError, awsErrorResponse, type Plane } from "./aws-error.ts";
import type { JsonObject } from "./request-body.ts";
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

/**
 * Reads the channel reference out of a body that may not even be valid JSON, only to pick the region.
 *
 * @example
 * peekChannel('{"channelArn":"arn:…"}', "channelArn"); // { arn: "arn:…" }
 */
export function peekChannel(
  text: string,
  arnKey: string,
  nameKey?: string,
): { arn?: unknown; name?: unknown } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return {};
    const body: JsonObject = Object.fromEntries(Object.entries(parsed));
    return { arn: body[arnKey], name: nameKey === undefined ? undefined : body[nameKey] };
  } catch {
    return {};
  }
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
 * Authenticates a JSON route: picks the region from the body, then verifies; answers the error if any.
 *
 * @example
 * const denied = await authenticateJson(state, c.req.raw, c.env, "storage", "channelArn");
 * if (denied) return denied;
 */
export async function authenticateJson(
  state: EmulatorState,
  request: Request,
  bindings: { readonly body: Uint8Array<ArrayBuffer>; readonly text: string },
  plane: Plane,
  arnKey: string,
  nameKey?: string,
): Promise<Response | undefined> {
  const regions = expectedRegions(state, peekChannel(bindings.text, arnKey, nameKey));
  const auth = await authenticate(state, request, bindings.body, regions);
  return auth.ok ? undefined : awsErrorResponse(auth.error, plane);
}
