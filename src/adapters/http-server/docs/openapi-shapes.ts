import type { z } from "@hono/zod-openapi";
import { ErrorReply } from "../../../contracts/error-reply.ts";

const descriptions: Record<number, string> = {
  400: "Invalid input: the message names each bad field",
  401: "No valid credentials: a bad, expired or missing token, or a failed login",
  403: "Authentication is required for this route and the record belongs to another user (admins excepted)",
  404: "No such entity",
  429: "Too many attempts: wait for Retry-After seconds",
  409: "Conflicts with an existing entity",
  503: "A dependency is unavailable",
};

type ErrorEntry = { description: string; content: { "application/json": { schema: typeof ErrorReply } } };

/** OpenAPI entries for the error replies a route can give, all in the one envelope. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, ErrorEntry> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status] ?? "Error", content: { "application/json": { schema: ErrorReply } } },
    ]),
  ) as Record<S, ErrorEntry>;
}

/** A required JSON request body validated by the router with this schema. */
export function jsonBody<S extends z.ZodType>(schema: S) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

/** A 200/201 JSON reply of this schema. */
export function jsonReply<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** The 304 of a whole list served with a strong ETag, to a GET whose If-None-Match names it. */
export const notModifiedReply = {
  description: "Not modified: If-None-Match named the whole list's current ETag (only whole lists that fit the list cache carry one); no body",
  headers: { ETag: { description: "The whole list's strong entity tag", schema: { type: "string" } } },
} as const;
