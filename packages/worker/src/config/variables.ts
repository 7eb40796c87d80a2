/** Outcome of reading one variable: its value, or the one message that explains what is wrong. */
export type VariableResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** An AWS region name such as us-west-2. */
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

const ok = <T>(value: T): VariableResult<T> => ({ ok: true, value });
const problem = (name: string, expectation: string): VariableResult<never> => ({
  ok: false,
  message: `${name}: ${expectation}`,
});

/**
 * Reads a whole number within bounds, or the default when unset.
 *
 * @example
 * ```ts
 * integerVariable("JOIN_LIMIT_PER_SECOND", "3", { min: 1, max: 1000, fallback: 2 }); // { ok: true, value: 3 }
 * ```
 */
export function integerVariable(
  name: string,
  raw: string | undefined,
  bounds: { min: number; max: number; fallback: number },
): VariableResult<number> {
  if (raw === undefined || raw.trim() === "") return ok(bounds.fallback);
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    return problem(name, `must be a whole number from ${bounds.min} to ${bounds.max}`);
  }
  return ok(value);
}

/**
 * Reads a non-empty comma-separated list of AWS region names.
 *
 * @example
 * ```ts
 * regionsVariable("ALLOWED_REGIONS", "us-west-2, eu-west-1"); // { ok: true, value: Set {"us-west-2", "eu-west-1"} }
 * ```
 */
export function regionsVariable(name: string, raw: string | undefined): VariableResult<ReadonlySet<string>> {
  const regions = (raw ?? "")
    .split(",")
    .map((region) => region.trim())
    .filter((region) => region !== "");
  if (regions.length === 0 || !regions.every((region) => REGION.test(region))) {
    return problem(name, "must be a comma-separated list of AWS regions, such as us-west-2,eu-west-1");
  }
  return ok(new Set(regions));
}

/**
 * Reads an optional bare origin (scheme, host, port only); plain http is accepted for loopback hosts
 * only, and `loopbackOnly` refuses every other host.
 *
 * @example
 * ```ts
 * originVariable("EMULATOR_ORIGIN", "http://127.0.0.1:8790/", { loopbackOnly: true }); // value "http://127.0.0.1:8790"
 * ```
 */
export function originVariable(
  name: string,
  raw: string | undefined,
  options: { loopbackOnly: boolean },
): VariableResult<string | undefined> {
  if (raw === undefined || raw.trim() === "") return ok(undefined);
  const expectation = options.loopbackOnly
    ? "must be a loopback origin such as http://127.0.0.1:8790 (the emulator is for local runs only)"
    : "must be an https origin without path, query or credentials, such as https://kinesisvideo.us-west-2.amazonaws.com";
  const url = URL.parse(raw.trim());
  if (url === null || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    return problem(name, expectation);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  const schemeAllowed = url.protocol === "https:" || (url.protocol === "http:" && loopback);
  if (url.pathname !== "/" || !schemeAllowed || (options.loopbackOnly && !loopback)) {
    return problem(name, expectation);
  }
  return ok(url.origin);
}

/**
 * Reads the operator's AWS credentials from secrets; messages never repeat a value.
 *
 * @example
 * ```ts
 * credentialsVariables({ accessKeyId: "AKIA…", secretAccessKey: "…", sessionToken: undefined });
 * ```
 */
export function credentialsVariables(raw: {
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  sessionToken: string | undefined;
}): VariableResult<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>[] {
  const accessKeyId = raw.accessKeyId?.trim() ?? "";
  const secretAccessKey = raw.secretAccessKey?.trim() ?? "";
  const sessionToken = raw.sessionToken?.trim() ?? "";
  const problems: VariableResult<never>[] = [];
  if (!ACCESS_KEY_ID.test(accessKeyId)) {
    problems.push(problem("AWS_ACCESS_KEY_ID", "must be set (wrangler secret put) to an AWS access key id"));
  }
  if (secretAccessKey.length < 16) {
    problems.push(
      problem("AWS_SECRET_ACCESS_KEY", "must be set (wrangler secret put) to the AWS secret key"),
    );
  }
  if (problems.length > 0) return problems;
  return [
    ok(
      sessionToken === "" ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken },
    ),
  ];
}
