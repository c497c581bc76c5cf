import { z } from "@hono/zod-openapi";
import { errorStatus, type ErrorCode } from "./app-error.ts";

/**
 * The one error envelope: what the server's error handler writes and what a remote client reads
 * back into the same AppError. Named "Error" in every OpenAPI document.
 */
export const ErrorReply = z
  .object({
    error: z.string().openapi({ example: "rating: must be at most 10" }),
    code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
    requestId: z.string().optional(),
  })
  .openapi("Error");
export type ErrorReply = z.infer<typeof ErrorReply>;
