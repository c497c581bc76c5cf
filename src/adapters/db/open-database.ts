import type { DatabaseConfig } from "../../config/config.ts";
import type { DatabaseHandle, OpenDatabaseOptions } from "./database.ts";
import { openPgliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";

/** 250 ms, doubling, `count` times: 5 retries wait about 8 s for a server that is still starting. */
function retryDelays(count: number): number[] {
  return Array.from({ length: count }, (_, i) => 250 * 2 ** i);
}

/** Opens the database the configuration names; both kinds run the same migrations. */
export function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  return config.kind === "postgres"
    ? openPostgresDatabase(config.url, config.poolMax, { ...options, reach: { retryDelaysMs: retryDelays(config.connectRetries), ...options.reach } })
    : openPgliteDatabase(config.dataDir, options);
}
