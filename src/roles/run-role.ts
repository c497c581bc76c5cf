import type { Config } from "../config/config.ts";
import type { OpenDatabaseOptions } from "../adapters/db/database.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import { listen, type Listening } from "./listen.ts";
import { startPlatform, type Platform } from "./platform.ts";
import { roles, type RoleName } from "./roles.ts";

export interface RunningRole {
  platform: Platform;
  ports: Listening["ports"];
  /** Graceful stop: no new connections, in-flight requests finish, then the database closes. */
  stop(): Promise<void>;
}

/** Starts a role's platform and servers; the caller decides when to stop (signals, tests). */
export async function startRole(role: RoleName, config: Readonly<Config>, log: Logger, options: OpenDatabaseOptions = {}): Promise<RunningRole> {
  const platform = await startPlatform(config, log, options);
  let listening: Listening;
  try {
    listening = await listen(roles[role](platform), config.host, log);
  } catch (error) {
    await platform.close();
    throw error;
  }
  return {
    platform,
    ports: listening.ports,
    stop: async () => {
      await listening.close(config.shutdownTimeoutMs);
      await platform.close();
    },
  };
}
