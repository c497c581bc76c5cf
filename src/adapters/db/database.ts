import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Registry } from "prom-client";
import type { InjectionToken } from "tsyringe";
import type { ReachOptions } from "./postgres-reachable.ts";

/** Drizzle over either driver: modules write one query that runs on PostgreSQL and on PGlite alike. */
export type Database = PgDatabase<PgQueryResultHKT>;

/** An open database: the drizzle handle plus what only the composition root may do with it. */
export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: "postgres" | "pglite";
  /** Applies every migration in drizzle/ that has not run yet; safe when several processes start at once. */
  migrate(): Promise<void>;
  /** Answers true when a trivial query succeeds; never throws. */
  ping(): Promise<boolean>;
  /** Closes the pool or the embedded instance; later queries fail. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Called with every statement sent; tests use it to count queries. */
  onQuery?: (sql: string) => void;
  /** How long a PostgreSQL server that is not up yet is waited for at open, and where to say so. */
  reach?: Partial<ReachOptions>;
  /** Where the query timings and pool counts go (see DatabaseMetrics). */
  registry?: Registry;
}

export const DATABASE: InjectionToken<Database> = Symbol("Database");

/** True when the database answers a trivial query; never throws (health checks call it). */
export async function answersQueries(db: Database): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
