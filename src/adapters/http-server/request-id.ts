import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";

const MAX_LENGTH = 255;
const UNSAFE = /[^\w\-=]/;

/**
 * The request's id: the caller's X-Request-Id when it is short and plain (so one id follows a request
 * through every hop), else a new UUID. Anything else a client sends is replaced, never logged or echoed.
 */
export function requestIdOf(header: string | undefined): string {
  return header && header.length <= MAX_LENGTH && !UNSAFE.test(header) ? header : randomUUID();
}

/** Sets `requestId` and answers it in X-Request-Id: the first middleware after timing. */
export function assignRequestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = requestIdOf(c.req.header("x-request-id"));
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  };
}
