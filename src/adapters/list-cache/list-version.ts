import { eq, sql } from "drizzle-orm";
import { bigint, type PgSchema, text } from "drizzle-orm/pg-core";
import type { Database } from "../db/database.ts";

/**
 * A schema's `list_versions` table: one row per whole list, bumped by a statement-level trigger in
 * the same transaction as every write to the list's tables (see the migration that adds them), so
 * a version read after a commit always differs from the one read before it, whichever process or
 * connection wrote.
 */
export function listVersionsTable(schema: PgSchema) {
  return schema.table("list_versions", {
    list: text("list").primaryKey(),
    // Made anew when the database is: a version number read from another database never matches.
    epoch: text("epoch")
      .notNull()
      .default(sql`md5(random()::text || clock_timestamp()::text)`),
    version: bigint("version", { mode: "number" }).notNull().default(0),
  });
}

export type ListVersionsTable = ReturnType<typeof listVersionsTable>;

/** Reads a list's version now: equal answers mean no write committed in between; undefined when the list has no row. */
export function listVersionReader(db: Database, table: ListVersionsTable, list: string): () => Promise<string | undefined> {
  const query = db
    .select({ epoch: table.epoch, version: table.version })
    .from(table)
    .where(eq(table.list, sql.placeholder("list")))
    .prepare(`list_version_${list}`);
  return async () => {
    const [row] = await query.execute({ list });
    return row ? `${row.epoch}.${row.version}` : undefined;
  };
}
