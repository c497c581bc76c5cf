import { sql, type SQL } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { injectedMemoryTemplate } from "../../testing/memory-template.ts";
import type { DatabaseHandle } from "./database.ts";
import { openPgliteDatabase } from "./pglite-database.ts";
import { buildMemoryTemplate, memoryTemplate, startMemoryDatabasesFrom } from "./pglite-memory-template.ts";

type Row = Record<string, unknown>;

async function select(handle: DatabaseHandle, query: SQL): Promise<Row[]> {
  return ((await handle.db.execute(query)) as unknown as { rows: Row[] }).rows;
}

/** What a migrated database consists of: migrations applied, columns, constraints, indexes, sequences, rows. */
async function fingerprint(handle: DatabaseHandle): Promise<Record<string, unknown>> {
  const rows = (query: SQL) => select(handle, query);
  const userSchemas = sql`not in ('pg_catalog', 'information_schema', 'pg_toast')`;
  const tables = await rows(sql`select table_schema, table_name from information_schema.tables where table_schema ${userSchemas} order by 1, 2`);
  const counts = [];
  for (const t of tables) {
    const [row] = await rows(sql`select count(*)::int as n from ${sql.identifier(String(t.table_schema))}.${sql.identifier(String(t.table_name))}`);
    counts.push([t.table_schema, t.table_name, row]);
  }
  return {
    migrations: await rows(sql`select hash, created_at from drizzle.__drizzle_migrations order by id`),
    columns: await rows(sql`select table_schema, table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema ${userSchemas} order by 1, 2, 3`),
    constraints: await rows(sql`select conrelid::regclass::text as on_table, conname, pg_get_constraintdef(oid) as def from pg_constraint where connamespace::regnamespace::text ${userSchemas} order by 1, 2`),
    indexes: await rows(sql`select schemaname, tablename, indexname, indexdef from pg_indexes where schemaname ${userSchemas} order by 1, 2, 3`),
    sequences: await rows(sql`select schemaname, sequencename, last_value from pg_sequences order by 1, 2`),
    types: await rows(sql`select n.nspname, t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname ${userSchemas} and t.typtype in ('e', 'd', 'c') order by 1, 2`),
    settings: await rows(sql`select name, setting from pg_settings where name in ('server_encoding', 'lc_collate', 'lc_ctype', 'TimeZone', 'server_version') order by 1`),
    counts,
  };
}

async function migratedFingerprint(): Promise<Record<string, unknown>> {
  const handle = await openPgliteDatabase("memory://");
  try {
    await handle.migrate();
    return await fingerprint(handle);
  } finally {
    await handle.close();
  }
}

describe("the in-memory template", () => {
  // The very copy the other tests start from, when the global setup made one.
  let template: Blob;
  beforeAll(async () => void (template = injectedMemoryTemplate() ?? (await buildMemoryTemplate())), 60_000);
  // Test files share modules within a worker (vitest.config.ts): leave the template as it was found.
  const before = memoryTemplate();
  afterEach(() => startMemoryDatabasesFrom(before));

  it("opens to the same database as initdb followed by every migration", async () => {
    startMemoryDatabasesFrom(undefined);
    const fresh = await migratedFingerprint();
    startMemoryDatabasesFrom(template);
    const copied = await migratedFingerprint();
    expect(copied).toEqual(fresh);
    expect(fresh.migrations).not.toEqual([]);
  }, 60_000);

  it("leaves each copy on its own: a write to one is not seen by the next", async () => {
    startMemoryDatabasesFrom(template);
    const first = await openPgliteDatabase("memory://");
    await first.db.execute(sql`create table scratch (id int)`);
    await first.close();
    const second = await openPgliteDatabase("memory://");
    const found = await select(second, sql`select to_regclass('public.scratch') as t`);
    await second.close();
    expect(found).toEqual([{ t: null }]);
  }, 60_000);
});
