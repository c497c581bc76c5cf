import type { z } from "zod";

/**
 * One line a client can act on: every failing field by name with what is wrong, e.g.
 * "rating: must be at most 10; title: is required". Issues at the root name the whole `where`.
 */
export function validationMessage(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : where}: ${issue.message}`)
    .join("; ");
}
