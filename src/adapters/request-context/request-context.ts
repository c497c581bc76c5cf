import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";

/** Who and which request the current work is for; carried to every remote hop and log line. */
export interface RequestContext {
  requestId: string;
  /** The caller's user id, as the gateway passes it (X-User-Id); absent for anonymous callers. */
  userId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being served here, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs the rest of the request inside its context; after the request id middleware. */
export function requestContext(): MiddlewareHandler {
  return (c, next) => {
    const userId = c.req.header("x-user-id")?.trim();
    return storage.run({ requestId: c.get("requestId") as string, ...(userId ? { userId } : {}) }, next);
  };
}

/** Runs fn as part of a request: for work that starts outside HTTP (tests, jobs) but must carry an id. */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}
