import type { RequestListener } from "node:http";
import type { Config } from "../config/config.ts";
import type { ModuleSettings } from "../config/module-env.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import { configuredAccessTokens } from "../adapters/tokens/configured-access-tokens.ts";
import type { IdentityPolicy } from "../proxy/routing/caller-identity.ts";
import type { FetchHandler } from "../proxy/targets/app-target.ts";
import { createGateway } from "../proxy/gateway-app.ts";
import { processMetrics, type RoleMetrics } from "../adapters/metrics/role-metrics.ts";
import { adminApp, type AdminParts } from "./admin-app.ts";
import { openDatabase } from "../adapters/db/open-database.ts";
import type { DatabaseHandle } from "../adapters/db/database.ts";
import { DatabaseRolloutStore } from "../proxy/rollout/database-rollout-store.ts";
import { jsonRouteEdge } from "../adapters/http-server/edge/json-route-edge.ts";
import { monolithApp, moduleApp } from "./apps.ts";
import { requestIdentity } from "./request-identity.ts";
import type { Platform } from "./platform.ts";

export interface Listener {
  name: string;
  port: number;
  /** Where to bind when not the role's HOST: the admin listener stays on 127.0.0.1 by default. */
  host?: string;
  app: { fetch: FetchHandler };
  /** Serves some requests on Node's own objects before they reach the app (the gateway's hot path, a module's edge routes). */
  edge?: (next: RequestListener) => RequestListener;
  /** Called as the role starts stopping, while its servers drain: hands over what a stopping replica must not keep doing. */
  drain?: () => Promise<void>;
  /** Releases what the app holds (connection pools, watchers, workers) after its server stopped. */
  close?: () => Promise<void>;
}

export interface Role {
  /** Whether the role opens the database; the gateway alone does not. */
  usesDatabase: boolean;
  /** Modules this role is the service of: their ports stay in-process whatever URLs are set. */
  owns?: readonly string[];
  listeners(context: { config: Readonly<Config>; log: Logger; platform: Platform | undefined; metrics: RoleMetrics }): Listener[];
}

function identityPolicy(config: Readonly<Config>): IdentityPolicy {
  return { tokens: configuredAccessTokens(config.auth), requireAuth: config.auth.requireAuth };
}

function needsPlatform(platform: Platform | undefined): Platform {
  if (!platform) throw new Error("this role needs the database platform");
  return platform;
}

/** The admin listener of every role: metrics and the admin calls on a port of their own, never the public one. */
function adminListener(config: Readonly<Config>, log: Logger, metrics: RoleMetrics, parts: Pick<AdminParts, "platform" | "gateway" | "asyncContext"> & { registries?: AdminParts["registries"] }): Listener {
  const app = adminApp({ log, token: config.gateway.adminToken, ...parts, registries: [processMetrics(), metrics.registry, ...(parts.registries ?? [])] });
  return { name: "admin", port: config.admin.port, host: config.admin.host, app };
}

/** A module's own service: its app, plus its worker (the events consumer), which stops after the server. */
function moduleListener(p: Platform, { module }: ModuleSettings, port: number): Listener {
  const worker = module.worker?.(p.container, p.log, p.config);
  const edge = module.edgeRoutes
    ? jsonRouteEdge({ routes: module.edgeRoutes(p.container), log: p.log, identity: requestIdentity(p.config), timing: p.metrics.http.observer(module.name) })
    : undefined;
  return { name: module.name, port, app: moduleApp(p, module), edge, close: async () => worker?.stop() };
}

/**
 * Which apps each role serves and on which ports, derived from the module registry: the all-in-one,
 * the monolith, the gateway (`proxy`), and one role per module. PORT moves a single-role process only.
 */
export function rolesOf(config: Readonly<Config>): Record<string, Role> {
  const roles: Record<string, Role> = {
    // The whole platform in one process: the gateway reaches the monolith and every module's own
    // app with no network hop, so any route can be shifted on a laptop as in the split deployment.
    "all-in-one": {
      usesDatabase: true,
      listeners: ({ config, log, platform, metrics }) => {
        const p = needsPlatform(platform);
        const monolith = monolithApp(p);
        const modules = config.modules.map((settings) => moduleListener(p, settings, settings.port));
        const services = Object.fromEntries(modules.map((l) => [l.name, l.app.fetch]));
        const gateway = createGateway(config.gateway, { monolith: monolith.fetch, services }, identityPolicy(config), log, new DatabaseRolloutStore(p.database.db));
        return [
          { name: "gateway", port: config.gateway.port, app: gateway.app, edge: gateway.edge, drain: gateway.drain, close: gateway.close },
          adminListener(config, log, metrics, { platform: p, gateway: gateway.admin, registries: [gateway.metrics.registry] }),
          { name: "monolith", port: config.monolithPort, app: monolith },
          ...modules,
        ];
      },
    },
    monolith: {
      usesDatabase: true,
      owns: [],
      listeners: ({ config, log, platform, metrics }) => {
        const p = needsPlatform(platform);
        return [{ name: "monolith", port: config.port ?? config.monolithPort, app: monolithApp(p) }, adminListener(config, log, metrics, { platform: p })];
      },
    },
    proxy: {
      usesDatabase: false,
      listeners: ({ config, log, metrics }) => {
        // The gateway's own state (rollouts, shadow diffs) goes to PostgreSQL when one is named, so
        // replicas share it; it never needs one to proxy, so the database opens in the background.
        let database: Promise<DatabaseHandle> | undefined;
        if (config.database.kind === "postgres") {
          database = openDatabase(config.database).then(async (handle) => {
            await handle.migrate();
            return handle;
          });
        }
        const store = database?.then((handle) => new DatabaseRolloutStore(handle.db));
        const gateway = createGateway(config.gateway, {}, identityPolicy(config), log, store);
        const close = async () => {
          await gateway.close();
          await (await database?.catch(() => undefined))?.close();
        };
        return [
          { name: "gateway", port: config.port ?? config.gateway.port, app: gateway.app, edge: gateway.edge, drain: gateway.drain, close },
          // As the gateway's own apps: a scrape must not enter the async context for the whole process.
          adminListener(config, log, metrics, { gateway: gateway.admin, registries: [gateway.metrics.registry], asyncContext: false }),
        ];
      },
    },
  };
  for (const settings of config.modules) {
    roles[settings.module.name] = {
      usesDatabase: true,
      owns: [settings.module.name],
      listeners: ({ config, log, platform, metrics }) => {
        const p = needsPlatform(platform);
        // The async context's hooks are the process's once any request enters it: the admin port must not either.
        const asyncContext = settings.module.asyncRequestContext !== false;
        return [moduleListener(p, settings, config.port ?? settings.port), adminListener(config, log, metrics, { platform: p, asyncContext })];
      },
    };
  }
  return roles;
}
