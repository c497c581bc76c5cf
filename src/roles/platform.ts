import "reflect-metadata";
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from "tsyringe";
import type { Config } from "../config/config.ts";
import { DATABASE, type DatabaseHandle, type OpenDatabaseOptions } from "../adapters/db/database.ts";
import { openDatabase } from "../adapters/db/open-database.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import { MOVIES_API, MoviesService } from "../modules/movies/index.ts";
import {
  PAYMENTS_API,
  PaymentsService,
  SUBSCRIPTIONS_API,
  SubscriptionsService,
} from "../modules/payments/index.ts";
import { USERS_API, UsersService } from "../modules/users/index.ts";
import { seedIfEmpty } from "../seed/seed.ts";

/** One running platform: its database and a container with every port bound. */
export interface Platform {
  readonly config: Readonly<Config>;
  readonly log: Logger;
  readonly database: DatabaseHandle;
  readonly container: DependencyContainer;
  close(): Promise<void>;
}

/**
 * Binds each port to its in-process service. Tokens, not reflected types: esbuild emits no
 * decorator metadata. A child container per platform keeps tests' platforms apart.
 */
function bindPorts(database: DatabaseHandle): DependencyContainer {
  const c = rootContainer.createChildContainer();
  c.register(DATABASE, { useValue: database.db });
  c.register(USERS_API, { useFactory: instanceCachingFactory((r) => new UsersService(r.resolve(DATABASE))) });
  c.register(MOVIES_API, { useFactory: instanceCachingFactory((r) => new MoviesService(r.resolve(DATABASE))) });
  c.register(PAYMENTS_API, {
    useFactory: instanceCachingFactory((r) => new PaymentsService(r.resolve(DATABASE), r.resolve(USERS_API))),
  });
  c.register(SUBSCRIPTIONS_API, {
    useFactory: instanceCachingFactory((r) => new SubscriptionsService(r.resolve(DATABASE), r.resolve(USERS_API))),
  });
  return c;
}

/** Opens and migrates the database, binds the ports, seeds when configured. */
export async function startPlatform(
  config: Readonly<Config>,
  log: Logger,
  options: OpenDatabaseOptions = {},
): Promise<Platform> {
  const database = await openDatabase(config.database, options);
  try {
    await database.migrate();
    const container = bindPorts(database);
    if (config.seedOnStart) await seedIfEmpty(container, log);
    return {
      config,
      log,
      database,
      container,
      close: () => database.close(),
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
