import { z } from "@hono/zod-openapi";
// For its process-wide messages: a contract parsed outside a route (a remote client, a test) words its issues the same.
import "./validation-message.ts";

// What String.prototype.trim removes, spelled out: the published pattern must mean the same in
// every regex dialect that reads it (a Python fuzzer's `\s` is not JavaScript's).
const SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
// The published pattern leaves unpaired surrogates out: dialects that match code points (Python's,
// which fuzzers use) cannot name them, so that rule is in the field's description instead.
const CHAR = "[^\\u0000]";
const VISIBLE = `[^\\u0000${SPACE}]`;

/** Text PostgreSQL stores as sent: no U+0000 (it refuses it). Unpaired surrogates are refused too, unpublished. */
export const STORABLE_PATTERN = new RegExp(`^${CHAR}*$`);
/** The same, with at least one character that is not whitespace. */
export const FILLED_PATTERN = new RegExp(`^${CHAR}*${VISIBLE}${CHAR}*$`);

/**
 * The pattern to publish for a trimmed field whose trimmed value must match `checked` (anchored
 * with ^ and $): the server checks after trimming, so what the client may send also has the
 * whitespace trim removes around it. Publishing `checked` alone would promise a refusal of
 * " john" that the server never gives.
 */
export function trimmedPattern(checked: RegExp): string {
  const core = /^\^(.*)\$$/s.exec(checked.source)?.[1];
  if (core === undefined) throw new Error(`trimmedPattern needs a pattern anchored with ^ and $: ${checked.source}`);
  return `^[${SPACE}]*(?:${core})[${SPACE}]*$`;
}

export interface TextOptions {
  /** Whether the empty string (or only whitespace) is a value; when not, the text is trimmed. */
  blank?: boolean;
}

/**
 * A text field of a request, as every contract spells one: at most `max` characters that the
 * database keeps exactly. With `blank: false` it is trimmed and must not be empty. What the server
 * refuses is also the field's published `pattern`.
 */
export function text(max: number, { blank = true }: TextOptions = {}) {
  const storable = z
    .string()
    .refine((s) => !s.includes("\u0000"), "must not contain the NUL character (U+0000)")
    .refine((s) => s.isWellFormed(), "must be valid Unicode (no unpaired surrogate)");
  // The length is checked before trimming: the published maxLength bounds what the client sends.
  const checked = blank ? storable.max(max) : storable.max(max).trim().min(1);
  return checked.openapi({
    pattern: (blank ? STORABLE_PATTERN : FILLED_PATTERN).source,
    description: `Up to ${max} characters${blank ? "" : ", not only whitespace (trimmed)"}; no U+0000 and no unpaired surrogate.`,
  });
}
