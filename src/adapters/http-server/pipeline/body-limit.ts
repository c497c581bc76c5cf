import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as countingBodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env.ts";

export interface BodyLimitOptions {
  maxSize: number;
  /** Throws (or answers) for a body over maxSize. */
  onError: (c: Context<AppEnv>) => Response | Promise<Response>;
}

/**
 * Hono's body limit, bounded by the headers whenever they say enough. Hono's middleware first reads
 * `c.req.raw.body` to learn whether there is a body, and on @hono/node-server that builds a whole
 * web Request with a stream over the socket for every request; the route's `c.req.json()` then reads
 * through that stream instead of the server's direct path (a fifth of the events service's CPU on
 * a small POST, and on every GET, seen with `node --cpu-prof`). HTTP/1.1 frames a request body by
 * Content-Length or Transfer-Encoding only, and Node's parser never reads past a Content-Length:
 * with a length and no transfer coding, the header is the bound (as in Hono's middleware); a GET or
 * HEAD with neither has no body. The rest (chunked bodies, and requests made in-process with
 * `app.request`, which carry no length) go through Hono's counting.
 */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler<AppEnv> {
  const counting = countingBodyLimit(options);
  // Not async: the common case adds no promise of its own to the request.
  return (c, next) => {
    const headers = c.req.raw.headers;
    if (headers.has("transfer-encoding")) return counting(c, next);
    const length = headers.get("content-length");
    if (length === null) return c.req.method === "GET" || c.req.method === "HEAD" ? next() : counting(c, next);
    return Number(length) > options.maxSize ? Promise.resolve(options.onError(c)) : next();
  };
}
