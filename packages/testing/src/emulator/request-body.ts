import type { AwsError } from "./aws-error.ts";

/** A parsed JSON request body. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Constraints on a string member, as the KVS model declares them. */
export interface StringRule {
  readonly required?: boolean;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly oneOf?: readonly string[];
}

/** Reads members of a body, collecting validation problems the way Coral reports them. */
export interface FieldReader {
  string(name: string, rule: StringRule): string | undefined;
  /** A list of enum strings (e.g. `Protocols`). */
  enumList(name: string, allowed: readonly string[]): readonly string[] | undefined;
  /** A nested structure; its problems are reported with a dotted path. */
  object(name: string): FieldReader | undefined;
  /** SerializationException for a wrongly typed member, else InvalidArgumentException, else nothing. */
  error(): AwsError | undefined;
}

const serialization = (message: string): AwsError => ({
  type: "SerializationException",
  status: 400,
  message,
});

function wrongType(value: unknown): string {
  if (Array.isArray(value)) return "Start of list found where not expected";
  if (typeof value === "object" && value !== null)
    return "Start of structure or map found where not expected.";
  return `${typeof value === "number" ? "NUMBER_VALUE" : String(value).toUpperCase()} can not be converted to a String`;
}

/**
 * Parses a rest-json body: empty means `{}`, anything but a JSON object is a SerializationException.
 *
 * @example
 * parseJsonBody('{"channelArn":"arn:…"}'); // { ok: true, value: { channelArn: "arn:…" } }
 */
export function parseJsonBody(
  text: string,
): { ok: true; value: JsonObject } | { ok: false; error: AwsError } {
  if (text.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: serialization("Unexpected character in the request body: it is not valid JSON."),
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: serialization(Array.isArray(value) ? wrongType(value) : "Expected a JSON object."),
    };
  }
  return { ok: true, value: Object.fromEntries(Object.entries(value)) };
}

/**
 * Creates a reader over a body's members.
 *
 * @example
 * const fields = createFieldReader(body);
 * const arn = fields.string("channelArn", { required: true, pattern: CHANNEL_ARN_PATTERN });
 * const error = fields.error();
 */
export function createFieldReader(body: JsonObject, prefix = "", problems: string[] = []): FieldReader {
  let typeError: string | undefined;
  const nested: FieldReader[] = [];
  const path = (name: string) => `${prefix}${name}`;

  const reader: FieldReader = {
    string(name, rule) {
      const value = body[name];
      if (value === undefined || value === null) {
        if (rule.required)
          problems.push(
            `Value null at '${path(name)}' failed to satisfy constraint: Member must not be null`,
          );
        return undefined;
      }
      if (typeof value !== "string") {
        typeError ??= wrongType(value);
        return undefined;
      }
      const violation = checkString(value, rule);
      if (violation)
        problems.push(`Value '${value}' at '${path(name)}' failed to satisfy constraint: ${violation}`);
      return violation ? undefined : value;
    },
    enumList(name, allowed) {
      const value = body[name];
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value)) {
        typeError ??= `${wrongType(value)}: expected a list`;
        return undefined;
      }
      const misfit = value.find((item) => typeof item !== "string");
      if (misfit !== undefined) {
        typeError ??= wrongType(misfit);
        return undefined;
      }
      const items = value.filter((item): item is string => typeof item === "string");
      if (items.length >= 1 && items.length <= 5 && items.every((item) => allowed.includes(item)))
        return items;
      problems.push(
        `Value '[${items.join(", ")}]' at '${path(name)}' failed to satisfy constraint: Member must have length between 1 and 5 and satisfy enum value set: [${allowed.join(", ")}]`,
      );
      return undefined;
    },
    object(name) {
      const value = body[name];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== "object" || Array.isArray(value)) {
        typeError ??= wrongType(value);
        return undefined;
      }
      const child = createFieldReader(Object.fromEntries(Object.entries(value)), `${path(name)}.`, problems);
      nested.push(child);
      return child;
    },
    error() {
      const nestedError = nested
        .map((child) => child.error())
        .find((error) => error?.type === "SerializationException");
      if (typeError !== undefined) return serialization(typeError);
      if (nestedError) return nestedError;
      if (problems.length === 0) return undefined;
      const count = problems.length === 1 ? "1 validation error" : `${problems.length} validation errors`;
      return {
        type: "InvalidArgumentException",
        status: 400,
        message: `${count} detected: ${problems.join("; ")}`,
      };
    },
  };
  return reader;
}

function checkString(value: string, rule: StringRule): string | undefined {
  if (rule.oneOf && !rule.oneOf.includes(value))
    return `Member must satisfy enum value set: [${rule.oneOf.join(", ")}]`;
  if (value.length < (rule.minLength ?? 0))
    return `Member must have length greater than or equal to ${rule.minLength}`;
  if (value.length > (rule.maxLength ?? Number.POSITIVE_INFINITY)) {
    return `Member must have length less than or equal to ${rule.maxLength}`;
  }
  if (rule.pattern && !new RegExp(rule.pattern).test(value)) {
    return `Member must satisfy regular expression pattern: ${rule.pattern}`;
  }
  return undefined;
}
