import { pino, type Logger } from "pino";

export type { Logger };

/** The process's root logger: one JSON object per line on stdout, as log collectors expect. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings }, timestamp: pino.stdTimeFunctions.isoTime });
}
