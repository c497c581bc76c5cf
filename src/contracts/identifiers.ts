import { z } from "@hono/zod-openapi";
// For its process-wide messages: a contract parsed outside a route (a remote client, a test) words its issues the same.
import "./validation-message.ts";

/** Ids are PostgreSQL `integer` columns: anything above this cannot exist, so it is refused as input. */
export const MAX_ID = 2_147_483_647;

/** An entity id inside a JSON body: a JSON number, whole, 1..MAX_ID. */
export const idField = z
  .number({ error: (issue) => (issue.input === undefined ? "is required" : "must be a number") })
  .int("must be a whole number")
  .min(1, "must be a positive whole number")
  .max(MAX_ID, `must be at most ${MAX_ID}`);

/**
 * An id in a query string or path. Digits only (no "1e3", no " 7"), so that what the client typed is
 * what we look up; the empty string counts as absent, as the legacy monolith treated `?id=`.
 */
export const idParam = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return undefined;
    if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > MAX_ID) {
      ctx.addIssue({ code: "custom", message: `must be a positive whole number up to ${MAX_ID}` });
      return z.NEVER;
    }
    return Number(value);
  })
  .openapi({ type: "integer", minimum: 1, maximum: MAX_ID, param: { allowEmptyValue: true } });

/** The same, for a path segment that must be present. */
export const requiredIdParam = idParam.refine((v) => v !== undefined, "is required").transform((v) => v as number);
