import { sql } from "drizzle-orm";
import pg from "pg";
import type { TestPlatform } from "./test-platform.ts";

/**
 * Runs SQL on a test platform's database as another client would, bypassing the process's
 * services: a connection of its own on a PostgreSQL server, the embedded instance itself on PGlite.
 */
export function outsideWriter(t: TestPlatform): (statement: string) => Promise<void> {
  const database = t.platform.config.database;
  if (database.kind === "pglite") return async (statement) => void (await t.platform.database.db.execute(sql.raw(statement)));
  return async (statement) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
}
