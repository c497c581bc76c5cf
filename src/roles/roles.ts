import type { Config } from "../config/config.ts";
import type { IdentityPolicy } from "../proxy/routing/caller-identity.ts";
import { accessTokens } from "./port-bindings.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import type { FetchHandler } from "../proxy/targets/app-target.ts";
import { createGateway } from "../proxy/gateway-app.ts";
import { DATABASE } from "../adapters/db/database.ts";
import { runEventsConsumer } from "../modules/events/index.ts";
import type { ModuleName } from "../config/config.ts";
import { authApp, eventsApp, monolithApp, moviesApp, paymentsApp, usersApp } from "./apps.ts";
import type { Platform } from "./platform.ts";

export interface Listener {
  name: string;
  port: number;
  app: { fetch: FetchHandler };
  /** Releases what the app holds (connection pools, watchers) after its server stopped. */
  close?: () => Promise<void>;
}

export interface Role {
  /** Whether the role opens the database; the gateway alone does not. */
  usesDatabase: boolean;
  /** Modules this role is the service of: their ports stay in-process whatever URLs are set. */
  owns?: readonly ModuleName[];
  listeners(context: { config: Readonly<Config>; log: Logger; platform: Platform | undefined }): Listener[];
}

function identityPolicy(config: Readonly<Config>): IdentityPolicy {
  return { tokens: accessTokens(config.auth), requireAuth: config.auth.requireAuth };
}

function needsPlatform(platform: Platform | undefined): Platform {
  if (!platform) throw new Error("this role needs the database platform");
  return platform;
}

/** A role that serves one app on its own port (PORT moves it), owning these modules. */
function serving(listener: "monolith" | "movies" | "users" | "payments" | "auth", owns: readonly ModuleName[], app: (p: Platform) => Listener["app"]): Role {
  return {
    usesDatabase: true,
    owns,
    listeners: ({ config, platform }) => [{ name: listener, port: config.port ?? config.ports[listener], app: app(needsPlatform(platform)) }],
  };
}

/** The events API plus the consumer group, which stops after the server (nothing half-handled). */
function eventsListener(p: Platform, port: number): Listener {
  const consumer = runEventsConsumer({ bus: p.bus, db: p.container.resolve(DATABASE), log: p.log.child({ component: "events-consumer" }) });
  return { name: "events", port, app: eventsApp(p), close: () => consumer.stop() };
}

/** Which apps a role serves and on which ports; PORT moves a single-role process only. */
export const roles = {
  "all-in-one": {
    usesDatabase: true,
    listeners: ({ config, log, platform }) => {
      const p = needsPlatform(platform);
      const monolith = monolithApp(p);
      const movies = moviesApp(p);
      const events = eventsListener(p, config.ports.events);
      const gateway = createGateway(config.gateway, { monolith: monolith.fetch, services: { movies: movies.fetch, events: events.app.fetch } }, identityPolicy(config), log);
      return [
        { name: "gateway", port: config.gateway.port, app: gateway.app, close: gateway.close },
        { name: "monolith", port: config.ports.monolith, app: monolith },
        { name: "movies", port: config.ports.movies, app: movies },
        events,
      ];
    },
  },
  monolith: serving("monolith", [], monolithApp),
  movies: serving("movies", ["movies"], moviesApp),
  users: serving("users", ["users"], usersApp),
  payments: serving("payments", ["payments", "subscriptions"], paymentsApp),
  auth: serving("auth", ["auth"], authApp),
  events: {
    usesDatabase: true,
    owns: ["events"],
    listeners: ({ config, platform }) => [eventsListener(needsPlatform(platform), config.port ?? config.ports.events)],
  },
  proxy: {
    usesDatabase: false,
    listeners: ({ config, log }) => {
      const gateway = createGateway(config.gateway, {}, identityPolicy(config), log);
      return [{ name: "gateway", port: config.port ?? config.gateway.port, app: gateway.app, close: gateway.close }];
    },
  },
} satisfies Record<string, Role>;

export type RoleName = keyof typeof roles;

export function isRoleName(value: string): value is RoleName {
  return Object.hasOwn(roles, value);
}
