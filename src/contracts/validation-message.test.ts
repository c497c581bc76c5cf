import { z } from "zod";
import { describe, expect, it } from "vitest";
import { validationMessage } from "./validation-message.ts";

const messageOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("expected a failure");
  return validationMessage(parsed.error, "body");
};

describe("validationMessage", () => {
  it.each([
    ["a missing field", z.object({ title: z.string() }), {}, "title: is required"],
    ["a field of another type", z.object({ title: z.string() }), { title: ["a"] }, "title: must be a string"],
    ["a whole number expected", z.object({ n: z.number().int() }), { n: 1.5 }, "n: must be a whole number"],
    ["a body that is not an object", z.object({}), [], "body: must be a JSON object"],
    ["a long string", z.object({ s: z.string().max(3) }), { s: "abcd" }, "s: must be at most 3 characters"],
    ["an empty string", z.object({ s: z.string().min(1) }), { s: "" }, "s: must not be empty"],
    ["a short string", z.object({ s: z.string().min(10) }), { s: "abc" }, "s: must be at least 10 characters"],
    ["too many items", z.object({ a: z.array(z.number()).max(2) }), { a: [1, 2, 3] }, "a: must be at most 2 items"],
    ["a number too big", z.object({ rating: z.number().max(10) }), { rating: 11 }, "rating: must be at most 10"],
    ["a number not positive", z.object({ amount: z.number().positive() }), { amount: 0 }, "amount: must be greater than 0"],
    ["a bad email", z.object({ email: z.email() }), { email: "x" }, "email: must be a valid email address"],
    ["a bad date-time", z.object({ at: z.iso.datetime() }), { at: "yesterday" }, "at: must be an ISO 8601 date-time, e.g. 2023-01-15T14:30:00Z"],
    ["a value outside an enum", z.object({ type: z.enum(["movie", "user"]) }), { type: "x" }, 'type: must be one of: "movie", "user"'],
    ["an element of an array", z.object({ g: z.array(z.string()) }), { g: ["a", 4] }, "g.1: must be a string"],
  ])("words %s in its own terms", (_what, schema, value, message) => {
    expect(messageOf(schema, value)).toBe(message);
  });

  it("keeps a message the schema names itself", () => {
    expect(messageOf(z.object({ s: z.string().max(3, "is too long for a name") }), { s: "abcd" })).toBe("s: is too long for a name");
  });

  it("names a few unknown fields, each cut short, and counts the rest", () => {
    const extra = Object.fromEntries(["a", "b", "c", "d", "e", "f", "g", "x".repeat(100)].map((k) => [k, 1]));
    expect(messageOf(z.strictObject({}), { ["y".repeat(50)]: 1 })).toBe(`body: has unknown fields: ${"y".repeat(40)}…`);
    expect(messageOf(z.strictObject({}), extra)).toBe("body: has unknown fields: a, b, c, d, e and 3 more");
  });

  it("joins every failing field", () => {
    expect(messageOf(z.object({ a: z.string(), b: z.number() }), { b: "x" })).toBe("a: is required; b: must be a number");
  });
});
