import type { DatabaseConfig } from "../../config/config.ts";
import type { DatabaseHandle, OpenDatabaseOptions } from "./database.ts";
import { openPgliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";
import { retryDelays } from "./postgres-reachable.ts";

/** Opens the database the configuration names; both kinds run the same migrations. */
export function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  return config.kind === "postgres"
    ? openPostgresDatabase(config.url, config.poolMax, { ...options, reach: { retryDelaysMs: retryDelays(config.connectRetries), ...options.reach } })
    : openPgliteDatabase(config.dataDir, options);
}
