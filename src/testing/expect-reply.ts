import { expect } from "vitest";
import type { z } from "zod";
import type { ErrorCode } from "../contracts/app-error.ts";
import { ErrorReply } from "../contracts/error-reply.ts";
import type { Reply } from "./reply.ts";

/**
 * Asserts the status, then reads the body with the contract's own schema, so a test gets a typed
 * value and a reply that drifts from the contract fails here. The body must also hold nothing the
 * schema would strip: a column that leaks into a reply cannot hide behind a lenient parse.
 */
export function expectReply<S extends z.ZodType>(reply: Reply, status: number, schema: S): z.output<S> {
  expect(reply.status, `status of a reply with body ${JSON.stringify(reply.body)}`).toBe(status);
  const parsed = schema.safeParse(reply.body);
  if (!parsed.success) expect.fail(`body does not match the contract: ${parsed.error.message}\n${JSON.stringify(reply.body)}`);
  expect(reply.body).toStrictEqual(parsed.data);
  return parsed.data;
}

/**
 * Asserts an error reply: the status, the one error envelope, its code, and, when given, its message
 * (a string is compared whole; pass `expect.stringContaining(...)` or `expect.stringMatching(...)` for less).
 */
export function expectError(reply: Reply, status: number, code: ErrorCode, message?: unknown): ErrorReply {
  const envelope = expectReply(reply, status, ErrorReply);
  expect(envelope).toMatchObject(message === undefined ? { code } : { code, error: message });
  expect(envelope.requestId).toBe(reply.headers.get("x-request-id"));
  return envelope;
}
