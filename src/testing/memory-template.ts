import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { startMemoryDatabasesFrom } from "../adapters/db/pglite-memory-template.ts";

/** In-memory test databases start as copies of the migrated template the global setup made. */
export function useMigratedMemoryTemplate(): void {
  const path = inject("memoryTemplatePath");
  if (path) startMemoryDatabasesFrom(new Blob([readFileSync(path)]));
}
