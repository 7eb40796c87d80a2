/** @module AWS credentials, static or from a provider, refreshed before they expire. */
import { invalidArgument, KvsError } from "./errors/kvs-error.ts";

/** AWS credentials; `expiration` marks temporary ones. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly expiration?: Date | undefined;
}

/** Static credentials, or an async provider (e.g. STS) that the client calls again before they expire. */
export type CredentialsInput = Credentials | (() => Promise<Credentials>);

// refresh this long before expiry so a credential never expires during a request and its retries
const REFRESH_WINDOW_MS = 5 * 60_000;

function checked(credentials: Credentials): Credentials {
  const issues = [];
  for (const key of ["accessKeyId", "secretAccessKey"] as const) {
    const value = credentials?.[key];
    if (typeof value !== "string" || value.length === 0) {
      issues.push({ path: `credentials.${key}`, message: "must be a non-empty string" });
    }
  }
  if (credentials?.sessionToken !== undefined && typeof credentials.sessionToken !== "string") {
    issues.push({ path: "credentials.sessionToken", message: "must be a string when present" });
  }
  if (issues.length > 0) throw invalidArgument(issues);
  return credentials;
}

const expiresSoon = (credentials: Credentials, nowMs: number): boolean =>
  credentials.expiration !== undefined && credentials.expiration.getTime() - nowMs <= REFRESH_WINDOW_MS;

/**
 * Returns a function that yields usable credentials: static ones as they are (failing locally once expired),
 * provider ones cached until they near expiry, with concurrent callers sharing one refresh.
 */
export function credentialSource(
  input: CredentialsInput,
  now: () => number = Date.now,
): () => Promise<Credentials> {
  if (typeof input !== "function") {
    const credentials = checked(input);
    return async () => {
      if (credentials.expiration !== undefined && credentials.expiration.getTime() <= now()) {
        throw new KvsError("ExpiredTokenException", {
          message: "The static credentials have expired; pass a credentials provider to refresh them",
        });
      }
      return credentials;
    };
  }
  let current: Credentials | undefined;
  let refreshing: Promise<Credentials> | undefined;
  return async () => {
    if (current !== undefined && !expiresSoon(current, now())) return current;
    refreshing ??= input()
      .then((fresh) => {
        current = checked(fresh);
        return current;
      })
      .finally(() => {
        refreshing = undefined;
      });
    try {
      return await refreshing;
    } catch (error) {
      // an early refresh that fails is not fatal while the credentials we hold are still valid
      const expiration = current?.expiration;
      if (current !== undefined && expiration !== undefined && expiration.getTime() > now()) return current;
      throw error;
    }
  };
}
