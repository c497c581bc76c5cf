import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FILLED_PATTERN, STORABLE_PATTERN, text } from "./text.ts";

// Single UTF-16 units (lone surrogates among them), whole code points, and the characters that matter here.
const unit = fc.oneof(
  fc.constantFrom("\u0000", "\ud800", "\udfff", " ", "\t", "\n", "\u00a0", "\u3000", "\ufeff", "a", "é"),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
);
const anyText = fc.string({ unit, maxLength: 12 });
// Lengths count code points, as JSON Schema's maxLength does.
const length = (s: string) => [...s].length;

describe("text()", () => {
  it("accepts exactly what its published pattern and length allow", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        // An unpaired surrogate is refused though no published pattern can say so (see text.ts).
        expect(text(8).safeParse(s).success).toBe(s.isWellFormed() && STORABLE_PATTERN.test(s) && length(s) <= 8);
      }),
      { numRuns: 2000 },
    );
  });

  it("with blank: false, accepts exactly what its published pattern allows, trimmed", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const parsed = text(8, { blank: false }).safeParse(s);
        expect(parsed.success).toBe(s.isWellFormed() && FILLED_PATTERN.test(s) && length(s) <= 8);
        if (parsed.success) expect(parsed.data).toBe(s.trim());
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on any JSON value: it parses or it names issues", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = text(8, { blank: false }).safeParse(value);
        if (!parsed.success) expect(parsed.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
