import type { Logger } from "../../../adapters/logging/logger.ts";
import type { ModuleWorker } from "../../module-descriptor.ts";
import type { MovieContentService } from "./content.service.ts";

/** Rows (and objects) removed per round at most, so one round stays short whatever piled up. */
const BATCH = 100;

/**
 * Removes uploads never completed once their URL has expired, every interval, a bounded batch a
 * round (a full batch runs the next round at once). Several replicas may run it: removals are
 * idempotent.
 */
export function runContentCleanup(content: MovieContentService, intervalSeconds: number, log: Logger): ModuleWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const round = async (): Promise<void> => {
    try {
      const removed = await content.removeExpiredUploads(BATCH);
      if (removed > 0) log.info({ removed }, "expired uploads removed");
      if (removed === BATCH && !stopped) return schedule(0);
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, "expired uploads not removed this round");
    }
    schedule(intervalSeconds * 1000);
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round();
    }, delayMs);
    timer.unref();
  };
  schedule(intervalSeconds * 1000);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
