import type { RequestContext } from "../request-context/request-context.ts";

/**
 * The one Hono environment of every app and router here, so `c.get` is typed and no handler casts.
 * The variables are the request's context (set by `requestPipeline()`): what a handler sees through
 * `c.get` is what services, clients and log lines see through `currentRequest()`.
 *
 * No per-request logger lives here: the root logger's mixin already stamps the request id and user
 * on every line written while serving a request, including lines from code that has no Context.
 */
export interface AppEnv {
  Variables: RequestContext;
}
