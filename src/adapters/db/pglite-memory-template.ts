import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migratePglite } from "./pglite-migrate.ts";

// Creating an empty PGlite runs initdb (a second WASM instance, then a copy of its data directory):
// seconds per database. Tests open dozens of in-memory databases, so they start from one copy of an
// already migrated directory instead. Nothing sets a template outside tests.
let template: Blob | undefined;

/** The data directory in-memory databases start from, or undefined for a fresh initdb. */
export function memoryTemplate(): Blob | undefined {
  return template;
}

/** In-memory databases opened from now on in this process start as copies of `tar`. */
export function startMemoryDatabasesFrom(tar: Blob | undefined): void {
  template = tar;
}

/** A fresh in-memory database with every migration applied, as a tar of its data directory. */
export async function buildMemoryTemplate(): Promise<Blob> {
  // No template here: the copy must come from initdb and the migrations, never from an older copy.
  const client = await PGlite.create();
  try {
    await migratePglite(drizzle({ client }));
    // A checkpoint puts everything in the data files, so a copy starts without WAL replay.
    await client.exec("checkpoint");
    return await client.dumpDataDir("none");
  } finally {
    await client.close();
  }
}
