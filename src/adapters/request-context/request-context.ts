import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http-server/app-env.ts";

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

/** Runs the rest of the request inside its context, also set on `c` for handlers; after the request id middleware. */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const userId = c.req.header("x-user-id")?.trim();
    if (userId) c.set("userId", userId);
    return storage.run({ requestId: c.get("requestId"), ...(userId ? { userId } : {}) }, next);
  };
}

/** Runs fn as part of a request: for work that starts outside HTTP (tests, jobs) but must carry an id. */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}
