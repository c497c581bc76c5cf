import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { startMemoryDatabasesFrom } from "../adapters/db/pglite-memory-template.ts";

/** The migrated template the global setup made; undefined when the tests run on a PostgreSQL server. */
export function injectedMemoryTemplate(): Blob | undefined {
  const path = inject("memoryTemplatePath");
  return path ? new Blob([readFileSync(path)]) : undefined;
}

/** In-memory test databases start as copies of the migrated template the global setup made. */
export function useMigratedMemoryTemplate(): void {
  startMemoryDatabasesFrom(injectedMemoryTemplate());
}
