import "reflect-metadata";
import type { DependencyContainer } from "tsyringe";
import type { Config } from "../config/config.ts";
import type { DatabaseHandle, OpenDatabaseOptions } from "../adapters/db/database.ts";
import { openDatabase } from "../adapters/db/open-database.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import { seedIfEmpty } from "../seed/seed.ts";
import type { EventBus } from "../adapters/bus/event-bus.ts";
import { openEventBus } from "../adapters/bus/open-event-bus.ts";
import { MeteredEventBus } from "../adapters/bus/metered-event-bus.ts";
import { RoleMetrics } from "../adapters/metrics/role-metrics.ts";
import { registerOutboxMetrics } from "../adapters/outbox/outbox-metrics.ts";
import { OutboxRelay } from "../adapters/outbox/outbox-relay.ts";
import { bindPorts, placement, type Placement } from "./port-bindings.ts";

export interface PlatformOptions extends OpenDatabaseOptions {
  /** A bus to use instead of the configured one (tests that take the broker away). */
  bus?: EventBus;
  /** The modules this process serves as their own service: never bound to a remote client here. */
  owns?: readonly string[];
  /** The role's metrics, which the database, bus and outbox register in; a fresh set when not given. */
  metrics?: RoleMetrics;
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
  readonly placement: Placement;
  readonly metrics: RoleMetrics;
  close(): Promise<void>;
}

/** Opens and migrates the database, binds the ports, seeds when configured. */
export async function startPlatform(
  config: Readonly<Config>,
  log: Logger,
  options: PlatformOptions = {},
): Promise<Platform> {
  const metrics = options.metrics ?? new RoleMetrics();
  const database = await openDatabase(config.database, { ...options, registry: metrics.registry });
  const bus = new MeteredEventBus(options.bus ?? openEventBus(config.bus, `cinemaabyss-${process.pid}`, log), metrics.registry);
  try {
    await database.migrate();
    const topics = config.modules.flatMap(({ module }) => module.topics ?? []);
    // In the background: a broker that is away must not stop writes; the relay keeps their events.
    bus.ensureTopics(topics).catch((error: Error) => log.warn({ err: error.message }, "topics not ensured yet"));
    const where = placement(config, options.owns ?? []);
    const { container, clients } = bindPorts(database.db, bus, where, config);
    log.info({ placement: where }, "ports bound");
    if (config.auth.ephemeralKey) log.warn("AUTH_JWT_KEYS is not set: tokens are signed with a key made up by this process and no other process accepts them");
    if (config.content.store.kind === "filesystem" && config.content.store.ephemeralKey) {
      log.info("CONTENT_URL_KEY is not set: content URLs are signed with a key made up by this process, valid until it stops");
    }
    if (config.seedOnStart) await seedIfEmpty(container, log);
    registerOutboxMetrics(metrics.registry, database.db);
    const relay = config.outboxRelay ? new OutboxRelay(database.db, bus, log.child({ component: "outbox-relay" }), { registry: metrics.registry }) : undefined;
    relay?.start();
    return {
      config,
      log,
      database,
      container,
      bus,
      relay,
      placement: where,
      metrics,
      close: async () => {
        await relay?.stop();
        await Promise.all(clients.map((client) => client.close()));
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
