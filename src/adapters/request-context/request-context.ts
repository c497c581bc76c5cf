import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import { isAdminOnlyPath } from "../http-server/admin-paths.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { AppEnv } from "../http-server/app-env.ts";
import type { AccessTokens, CallerRole } from "../tokens/access-tokens.ts";
import { bearerCaller } from "../tokens/bearer-caller.ts";

/** A caller proven by a bearer token this process verified itself. */
export interface Caller {
  userId: number;
  role: CallerRole;
}

/** Who and which request the current work is for; carried to every remote hop and log line. */
export interface RequestContext {
  requestId: string;
  /** The caller a valid bearer token names, verified here; absent for anonymous callers. Never taken from X-User-Id. */
  caller?: Caller;
  /** The caller's own `Authorization` header, passed on to remote hops so the next role verifies it too. */
  authorization?: string;
  /** True where the per-route switch requires authentication: there a caller is present and object-level rules apply. */
  authRequired?: boolean;
}

/** How a role tells who calls: the shared key ring, and which paths the per-route switch closes. */
export interface RequestIdentity {
  tokens: AccessTokens;
  authRequired(path: string): boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being served here, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs the rest of the request inside its context, also set on `c` for handlers; after the request id middleware. */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return (c, next) => storage.run({ requestId: c.get("requestId") }, next);
}

/**
 * Verifies the caller's bearer token (401 when it is refused), and answers 401 without one where the
 * route requires authentication; after `requestContext()`, whose context it completes. A caller-sent
 * X-User-Id is never read: only a token this process verified names a caller.
 */
export function authenticate(identity: RequestIdentity): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Never served on a public port: its 404 comes whatever the token, as on the gateway.
    if (isAdminOnlyPath(c.req.path)) return next();
    const authorization = c.req.header("authorization");
    const verified = await bearerCaller(identity.tokens, authorization);
    const required = identity.authRequired(c.req.path);
    if (required && !verified) throw AppError.unauthorized(`${c.req.path} requires a bearer token`);
    const facts: Omit<RequestContext, "requestId"> = {
      ...(verified ? { caller: { userId: verified.userId, role: verified.role }, authorization } : {}),
      ...(required ? { authRequired: true } : {}),
    };
    // The store object is the one requestContext() opened: the access log written around this sees the caller too.
    const context = storage.getStore();
    if (context) Object.assign(context, facts);
    if (facts.caller) c.set("caller", facts.caller);
    if (facts.authorization) c.set("authorization", facts.authorization);
    if (facts.authRequired) c.set("authRequired", true);
    return context ? next() : storage.run({ requestId: c.get("requestId"), ...facts }, next);
  };
}

/** Runs fn as part of a request: for work that starts outside HTTP (tests, jobs) but must carry an id. */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}
