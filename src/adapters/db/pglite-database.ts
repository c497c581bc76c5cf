import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { DatabaseMetrics } from "./database-metrics.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { answersQueries, type DatabaseHandle, type OpenDatabaseOptions } from "./database.ts";
import { migratePglite } from "./pglite-migrate.ts";
import { memoryTemplate } from "./pglite-memory-template.ts";

/** Embedded PostgreSQL (WASM): on disk under dataDir, or in memory for "memory://". */
export async function openPgliteDatabase(dataDir: string, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  // Before PGlite reads a file: the second process on a directory must stop, not share it.
  const lock = inMemory ? undefined : lockDataDir(dataDir);
  const template = inMemory ? memoryTemplate() : undefined;
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? (template ? { loadDataDir: template } : {}) : { dataDir });
  } catch (error) {
    lock?.release();
    throw error;
  }
  if (options.registry) new DatabaseMetrics(options.registry, "pglite").watchPglite(client);
  const db = drizzle({
    client,
    logger: options.onQuery ? { logQuery: (query) => options.onQuery?.(query) } : false,
  });
  return {
    db,
    kind: "pglite",
    // PGlite is one connection in one process, so there is no concurrent migrator to lock out.
    migrate: () => migratePglite(db),
    ping: () => answersQueries(db),
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

