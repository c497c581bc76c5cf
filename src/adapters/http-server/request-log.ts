import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import type { Logger } from "../logging/logger.ts";

/** One structured line per request, carrying the request id that the reply also carries. */
export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    log.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      "request",
    );
  };
}
