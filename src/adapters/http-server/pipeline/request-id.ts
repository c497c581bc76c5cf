import { randomUUID } from "node:crypto";

const MAX_LENGTH = 255;
const UNSAFE = /[^\w\-=]/;

/**
 * The request's id: the caller's X-Request-Id when it is short and plain (so one id follows a request
 * through every hop), else a new UUID. Anything else a client sends is replaced, never logged or echoed.
 */
export function requestIdOf(header: string | undefined): string {
  return header && header.length <= MAX_LENGTH && !UNSAFE.test(header) ? header : randomUUID();
}
