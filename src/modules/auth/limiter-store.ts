import { createHash } from "node:crypto";
import { getTableName } from "drizzle-orm";
import pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Database } from "../../adapters/db/database.ts";
import { AppError } from "../../contracts/app-error.ts";
import { authSchema, rateLimits } from "./auth.tables.ts";

/** One limit: `points` per `windowSeconds`, counted per key under `name`. */
export interface LimitRule {
  name: string;
  points: number;
  windowSeconds: number;
}

/** Counts for one rule. Keys are hashed: no username or address is kept in the store. */
export class Limit {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  /** Counts one use of the key; TOO_MANY_REQUESTS, with Retry-After, once its points are spent. */
  async consume(key: readonly string[], message: string): Promise<void> {
    try {
      await this.limiter.consume(hashed(key));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new AppError("TOO_MANY_REQUESTS", message, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
  }

  /** Forgets the key's count (a login that succeeded). */
  async reset(key: readonly string[]): Promise<void> {
    await this.limiter.delete(hashed(key));
  }
}

const hashed = (key: readonly string[]) => createHash("sha256").update(key.join("\0")).digest("base64url");

/**
 * Limits on the server database when there is one, so every replica counts together (the table
 * comes from a migration: nothing is created at run time); in this process's memory over PGlite,
 * which only one process can open anyway.
 */
export function limitsOn(db: Database): (rule: LimitRule) => Limit {
  const client = "$client" in db ? db.$client : undefined;
  if (client instanceof pg.Pool) {
    return (rule) =>
      new Limit(
        new RateLimiterPostgres({
          storeClient: client,
          storeType: "pool",
          schemaName: authSchema.schemaName,
          tableName: getTableName(rateLimits),
          tableCreated: true,
          // Deletes rows an hour past their window, every five minutes, on a timer that keeps no process alive.
          clearExpiredByTimeout: true,
          keyPrefix: rule.name,
          points: rule.points,
          duration: rule.windowSeconds,
        }),
      );
  }
  return (rule) => new Limit(new RateLimiterMemory({ keyPrefix: rule.name, points: rule.points, duration: rule.windowSeconds }));
}
