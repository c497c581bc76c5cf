import type { InjectionToken } from "tsyringe";

/**
 * The bytes this process may keep in whole-list caches, shared by every list (LIST_CACHE_MAX_BYTES):
 * a list that does not fit is streamed page by page instead of cached.
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes still free. */
  available(): number {
    return this.maxBytes - this.used;
  }

  /** Takes `bytes` when they fit and answers true; otherwise takes nothing and answers false. */
  take(bytes: number): boolean {
    if (bytes > this.available()) return false;
    this.used += bytes;
    return true;
  }

  /** Gives back bytes taken before. */
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** The process's one budget, shared by every module's list caches. */
export const LIST_CACHE_BUDGET: InjectionToken<ByteBudget> = Symbol("ListCacheBudget");
