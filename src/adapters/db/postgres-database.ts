import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { answersQueries, type DatabaseHandle, type OpenDatabaseOptions } from "./database.ts";
import { DatabaseMetrics } from "./database-metrics.ts";
import { migrationsFolder } from "./migrations-folder.ts";
import { defaultReach, waitForPostgres } from "./postgres-reachable.ts";

// Any constant shared by every process of the platform: the split topology starts several at once.
const MIGRATION_LOCK_KEY = 716_118_001;

/** A PostgreSQL server through a `pg` pool; throws DatabaseUnreachable when the server cannot be reached. */
export async function openPostgresDatabase(
  url: string,
  poolMax: number,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseHandle> {
  // Checked here, before anything else uses the pool, so a bad address or password ends the start
  // with one clear line instead of a driver stack from wherever the first query happened to be.
  await waitForPostgres(url, { ...defaultReach, ...options.reach });
  const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 10_000 });
  // A client that loses its server must not crash the process: the pool's "error" covers idle
  // clients only, and a checked-out one between statements (a transaction waiting on the bus)
  // emits "error" on itself, which with no listener ends the process. The statement in flight,
  // if any, gets the error too; the pool drops the broken client on release; the next query reconnects.
  pool.on("error", () => {});
  if (options.registry) new DatabaseMetrics(options.registry, "postgres").watchPool(pool);
  pool.on("connect", (client) => client.on("error", () => {}));
  const logger = options.onQuery ? { logQuery: (query: string) => options.onQuery?.(query) } : false;
  const db = drizzle({ client: pool, logger });
  return {
    db,
    kind: "postgres",
    migrate: async () => {
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
        await migrate(drizzle({ client }), { migrationsFolder: migrationsFolder() });
      } finally {
        await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
        client.release();
      }
    },
    ping: () => answersQueries(db),
    close: () => pool.end(),
  };
}
