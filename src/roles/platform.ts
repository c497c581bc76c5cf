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
import { EVENT_BUS, type EventBus } from "../adapters/bus/event-bus.ts";
import { openEventBus } from "../adapters/bus/open-event-bus.ts";
import { OutboxRelay } from "../adapters/outbox/outbox-relay.ts";
import { topicOf } from "../contracts/domain-event.ts";
import { dlqOf, EVENTS_API, EventsService } from "../modules/events/index.ts";

export interface PlatformOptions extends OpenDatabaseOptions {
  /** A bus to use instead of the configured one (tests that take the broker away). */
  bus?: EventBus;
}

/** One running platform: its database and a container with every port bound. */
export interface Platform {
  readonly config: Readonly<Config>;
  readonly log: Logger;
  readonly database: DatabaseHandle;
  readonly container: DependencyContainer;
  readonly bus: EventBus;
  /** Publishes the outbox; undefined when OUTBOX_RELAY is off in this process. */
  readonly relay: OutboxRelay | undefined;
  close(): Promise<void>;
}

/**
 * Binds each port to its in-process service. Tokens, not reflected types: esbuild emits no
 * decorator metadata. A child container per platform keeps tests' platforms apart.
 */
function bindPorts(database: DatabaseHandle, bus: EventBus): DependencyContainer {
  const c = rootContainer.createChildContainer();
  c.register(DATABASE, { useValue: database.db });
  c.register(EVENT_BUS, { useValue: bus });
  c.register(EVENTS_API, { useFactory: instanceCachingFactory((r) => new EventsService(r.resolve(EVENT_BUS))) });
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
  options: PlatformOptions = {},
): Promise<Platform> {
  const database = await openDatabase(config.database, options);
  const bus = options.bus ?? openEventBus(config.bus, `cinemaabyss-${process.pid}`, log);
  try {
    await database.migrate();
    const topics = Object.values(topicOf);
    // In the background: a broker that is away must not stop writes; the relay keeps their events.
    bus.ensureTopics([...topics, ...topics.map(dlqOf)]).catch((error: Error) => log.warn({ err: error.message }, "topics not ensured yet"));
    const container = bindPorts(database, bus);
    if (config.seedOnStart) await seedIfEmpty(container, log);
    const relay = config.outboxRelay ? new OutboxRelay(database.db, bus, log.child({ component: "outbox-relay" })) : undefined;
    relay?.start();
    return {
      config,
      log,
      database,
      container,
      bus,
      relay,
      close: async () => {
        await relay?.stop();
        await bus.close();
        await database.close();
      },
    };
  } catch (error) {
    await bus.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}
