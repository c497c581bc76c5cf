import type { Context } from "hono";

const MAX_KEY_LENGTH = 256;

/** The sticky routing key of a caller: the X-User-Id header; undefined for an anonymous caller. */
export function callerKey(c: Context): string | undefined {
  const userId = c.req.header("x-user-id")?.trim();
  return userId && userId.length <= MAX_KEY_LENGTH ? userId : undefined;
}
