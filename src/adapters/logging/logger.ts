import { pino, type Logger } from "pino";
import { currentRequest } from "../request-context/request-context.ts";

export type { Logger };

/** The process's root logger: one JSON object per line on stdout, as log collectors expect. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line written while serving a request names it, so one request's lines join across processes.
    mixin: () => {
      const request = currentRequest();
      return request ? { requestId: request.requestId, ...(request.caller ? { userId: request.caller.userId } : {}) } : {};
    },
  });
}
