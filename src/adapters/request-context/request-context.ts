import { AsyncLocalStorage } from "node:async_hooks";
import type { Context } from "hono";
import { isAdminOnlyPath } from "../http-server/errors/admin-paths.ts";
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

/**
 * Completes the request's context with the caller its bearer token proves (401 when the token is
 * refused, or when the route requires authentication and there is none). A caller-sent X-User-Id is
 * never read: only a token this process verified names a caller. Undefined, not a promise, when
 * there is nothing to verify or refuse (the common anonymous request).
 */
export function verifyCaller(identity: RequestIdentity, path: string, authorization: string | undefined, context: RequestContext): Promise<void> | undefined {
  // Never served on a public port: its 404 comes whatever the token, as on the gateway.
  if (isAdminOnlyPath(path)) return undefined;
  const required = identity.authRequired(path);
  if (authorization === undefined && !required) return undefined;
  return bearerCaller(identity.tokens, authorization).then((verified) => {
    if (required && !verified) throw AppError.unauthorized(`${path} requires a bearer token`);
    if (verified) {
      context.caller = { userId: verified.userId, role: verified.role };
      context.authorization = authorization;
    }
    if (required) context.authRequired = true;
  });
}

/** verifyCaller for a Hono request, setting the same facts on `c` for handlers. */
export function identifyCaller(identity: RequestIdentity, c: Context<AppEnv>, context: RequestContext): Promise<void> | undefined {
  return verifyCaller(identity, c.req.path, c.req.header("authorization"), context)?.then(() => {
    if (context.caller) {
      c.set("caller", context.caller);
      c.set("authorization", context.authorization!);
    }
    if (context.authRequired) c.set("authRequired", true);
  });
}

let entries = 0;

/** Runs fn as part of a request: for work that starts outside HTTP (tests, jobs) but must carry an id. */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  entries++;
  return storage.run(context, fn);
}

/** How often this process entered the async context: once is enough for every later promise to pay its hooks. */
export function asyncContextEntries(): number {
  return entries;
}
