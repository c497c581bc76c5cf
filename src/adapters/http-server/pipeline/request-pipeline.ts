import type { Context, MiddlewareHandler, Next } from "hono";
import { AppError } from "../../../contracts/app-error.ts";
import type { Logger } from "../../logging/logger.ts";
import { identifyCaller, runInRequest, type RequestContext, type RequestIdentity } from "../../request-context/request-context.ts";
import { logAccess } from "./access-line.ts";
import type { AppEnv } from "../app-env.ts";
import { bodyLimit } from "./body-limit.ts";
import { errorReply } from "../errors/error-handler.ts";
import { relabelLegacyJsonBody } from "./legacy-json-body.ts";
import { requestIdOf } from "./request-id.ts";

/** The largest request body the apps read (uploads under `bodies.streamedPaths` bound their own). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface RequestPipelineOptions {
  log: Logger;
  /** Records a request's duration once the error handler has chosen its status (the HTTP server histogram). */
  timing?: (c: Context<AppEnv>, seconds: number) => void;
  /** Verifies the caller's bearer token and closes the routes the switch closes. */
  identity?: RequestIdentity;
  /**
   * Bounds request bodies to 1 MB and relabels legacy ones as JSON (see relabelLegacyJsonBody);
   * bodies under these path prefixes (uploads) stream to their handler as sent, which bounds them.
   */
  bodies?: { streamedPaths: readonly string[] };
  /**
   * False where nothing under the routes reads currentRequest() (no remote hop, no log line of its
   * own): the context then lives on `c` alone. On Node 20, entering the async context makes every
   * promise of the process pay AsyncLocalStorage's hooks: a fifth of the events service's CPU per
   * event (issue 13). Defaults to true.
   */
  asyncContext?: boolean;
}

/**
 * What every request of our apps goes through before its route, in this order: timing, the request
 * id (answered in X-Request-Id), the request context that log lines and remote hops read, the
 * caller's token, the body limit and legacy JSON bodies; after it, one access log line. One Hono
 * layer, not one per step: each layer of Hono's dispatch costs about three promises, and on the
 * events service's POST those were a tenth of its CPU (`node --cpu-prof`, issue 13).
 */
export function requestPipeline(options: RequestPipelineOptions): MiddlewareHandler<AppEnv> {
  const { log, timing, identity, bodies, asyncContext = true } = options;
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", `body: larger than ${MAX_BODY_BYTES} bytes`);
    },
  });
  const streamed = (path: string) => bodies!.streamedPaths.some((prefix) => path.startsWith(prefix));
  const admit = async (c: Context<AppEnv>, context: RequestContext, next: Next): Promise<void> => {
    try {
      const verifying = identity && identifyCaller(identity, c, context);
      if (verifying) await verifying;
      if (!bodies || streamed(c.req.path)) return await next();
      await limit(c, async () => {
        relabelLegacyJsonBody(c);
        await next();
      });
    } catch (error) {
      // What the steps above refuse (401, 413) gets the one error envelope; the route's own errors
      // were already answered by Hono's dispatch inside next().
      c.res = errorReply(error, c, log);
    }
  };
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    c.header("X-Request-Id", requestId);
    const context: RequestContext = { requestId };
    const serve = async () => {
      await admit(c, context, next);
      const ms = performance.now() - started;
      logAccess(log, requestId, context.caller?.userId, c.req.method, c.req.path, c.res.status, ms);
      timing?.(c, ms / 1000);
    };
    await (asyncContext ? runInRequest(context, serve) : serve());
  };
}
