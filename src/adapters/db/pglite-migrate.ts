import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { migrationsFolder } from "./migrations-folder.ts";

/** Every PGlite database, the in-memory template included, is brought up to date by this one call. */
export function migratePglite(db: PgliteDatabase): Promise<void> {
  return migrate(db, { migrationsFolder: migrationsFolder() });
}
