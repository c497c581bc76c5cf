import { z } from "@hono/zod-openapi";

export const MAX_PAGE_SIZE = 1000;

function countParam(name: string, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      // Unlike the legacy `?id=`, these are ours: an empty value is a mistake, not a wish for all rows.
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    })
    .openapi({ type: "integer", minimum: min, maximum: max, description: name });
}

/**
 * `?limit=&offset=` on every list. Without `limit` a list is whole, as legacy clients expect from
 * "GET all"; with it, at most MAX_PAGE_SIZE rows come back.
 */
export const pageQuery = z.object({
  limit: countParam(`page size, 1..${MAX_PAGE_SIZE}; absent: the whole list`, 1, MAX_PAGE_SIZE),
  offset: countParam("rows to skip, in id order", 0, Number.MAX_SAFE_INTEGER),
});

/** A page as the ports take it: absent limit means everything from offset on. */
export type Page = Partial<z.output<typeof pageQuery>>;
