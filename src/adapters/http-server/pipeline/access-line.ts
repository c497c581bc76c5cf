import type { Logger } from "../../logging/logger.ts";

/**
 * The one access line of a request, once its status is known: written by requestPipeline and by
 * the JSON route edge alike, so both read the same in the log. It names the request and caller
 * itself: without the async request context, the logger's mixin cannot.
 */
export function logAccess(log: Logger, requestId: string, userId: number | undefined, method: string, path: string, status: number, ms: number): void {
  log.info({ requestId, ...(userId === undefined ? {} : { userId }), method, path, status, ms: Math.round(ms * 10) / 10 }, "request");
}
