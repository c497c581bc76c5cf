import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { answersQueries, type DatabaseHandle, type OpenDatabaseOptions } from "./database.ts";
import { migrationsFolder } from "./migrations-folder.ts";

/** Embedded PostgreSQL (WASM): on disk under dataDir, or in memory for "memory://". */
export async function openPgliteDatabase(dataDir: string, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(inMemory ? undefined : dataDir);
  const db = drizzle({
    client,
    logger: options.onQuery ? { logQuery: (query) => options.onQuery?.(query) } : false,
  });
  return {
    db,
    kind: "pglite",
    // PGlite is one connection in one process, so there is no concurrent migrator to lock out.
    migrate: () => migrate(db, { migrationsFolder: migrationsFolder() }),
    ping: () => answersQueries(db),
    close: () => client.close(),
  };
}
