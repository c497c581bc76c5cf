import { z } from "zod";

type RawIssue = z.core.$ZodRawIssue;

const typeNames: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "an array",
  object: "a JSON object",
  record: "a JSON object",
  tuple: "an array",
  null: "null",
};

const formatNames: Record<string, string> = {
  email: "a valid email address",
  datetime: "an ISO 8601 date-time, e.g. 2023-01-15T14:30:00Z",
  date: "an ISO 8601 date, e.g. 2023-01-15",
  time: "an ISO 8601 time",
  uuid: "a UUID",
  url: "a URL",
};

function sizeUnit(origin: string): string {
  if (origin === "string") return " characters";
  if (origin === "array" || origin === "set") return " items";
  return "";
}

const SHOWN_KEYS = 5;
const SHOWN_KEY_LENGTH = 40;

// A client's own key names are echoed to help them, but never more than a few, each cut short.
function unknownKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, SHOWN_KEYS).map((key) => (key.length > SHOWN_KEY_LENGTH ? `${key.slice(0, SHOWN_KEY_LENGTH)}…` : key));
  return keys.length > SHOWN_KEYS ? `${shown.join(", ")} and ${keys.length - SHOWN_KEYS} more` : shown.join(", ");
}

/**
 * The message of one issue, by its code: the same words whatever zod version runs, and nothing of
 * the input echoed back. A message a schema spells out itself still wins over these.
 */
export function issueMessage(issue: RawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${typeNames[issue.expected] ?? issue.expected}`;
    case "too_big": {
      const bound = issue.inclusive === false ? "less than" : "at most";
      return issue.exact ? `must be exactly ${issue.maximum}${sizeUnit(issue.origin)}` : `must be ${bound} ${issue.maximum}${sizeUnit(issue.origin)}`;
    }
    case "too_small": {
      if (issue.origin === "string" && issue.minimum === 1 && !issue.exact) return "must not be empty";
      const bound = issue.inclusive === false ? "greater than" : "at least";
      return issue.exact ? `must be exactly ${issue.minimum}${sizeUnit(issue.origin)}` : `must be ${bound} ${issue.minimum}${sizeUnit(issue.origin)}`;
    }
    case "invalid_format":
      return issue.format === "regex" ? `must match the pattern ${issue.pattern}` : `must be ${formatNames[issue.format] ?? `a valid ${issue.format}`}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "unrecognized_keys":
      return `has unknown fields: ${unknownKeys(issue.keys)}`;
    case "invalid_value":
      return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      return "matches none of the accepted forms";
    case "invalid_key":
      return "has an invalid key";
    case "invalid_element":
      return "has an invalid element";
    default:
      return "is not valid";
  }
}

// Routes validate through @hono/zod-openapi, which gives no way to pass an error map per parse, so
// the map is the process-wide one. Schemas that name their own message keep it (zod asks them first).
z.config({ customError: issueMessage });

/**
 * One line a client can act on: every failing field by name with what is wrong, e.g.
 * "rating: must be at most 10; title: is required". Issues at the root name the whole `where`.
 */
export function validationMessage(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : where}: ${issue.message}`)
    .join("; ");
}
