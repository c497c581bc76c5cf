import type { Config } from "../config/config.ts";
import type { ModuleSettings } from "../config/module-env.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import { configuredAccessTokens } from "../adapters/tokens/configured-access-tokens.ts";
import type { IdentityPolicy } from "../proxy/routing/caller-identity.ts";
import type { FetchHandler } from "../proxy/targets/app-target.ts";
import { createGateway } from "../proxy/gateway-app.ts";
import { monolithApp, moduleApp } from "./apps.ts";
import type { Platform } from "./platform.ts";

export interface Listener {
  name: string;
  port: number;
  /** Where to bind when not the role's HOST: the admin listener stays on 127.0.0.1 by default. */
  host?: string;
  app: { fetch: FetchHandler };
  /** Releases what the app holds (connection pools, watchers, workers) after its server stopped. */
  close?: () => Promise<void>;
}

export interface Role {
  /** Whether the role opens the database; the gateway alone does not. */
  usesDatabase: boolean;
  /** Modules this role is the service of: their ports stay in-process whatever URLs are set. */
  owns?: readonly string[];
  listeners(context: { config: Readonly<Config>; log: Logger; platform: Platform | undefined }): Listener[];
}

function identityPolicy(config: Readonly<Config>): IdentityPolicy {
  return { tokens: configuredAccessTokens(config.auth), requireAuth: config.auth.requireAuth };
}

function needsPlatform(platform: Platform | undefined): Platform {
  if (!platform) throw new Error("this role needs the database platform");
  return platform;
}

/** The admin listener: metrics and the admin API on a port of their own, never the public one. */
function adminListener(config: Readonly<Config>, app: Listener["app"]): Listener {
  return { name: "admin", port: config.admin.port, host: config.admin.host, app };
}

/** A module's own service: its app, plus its worker (the events consumer), which stops after the server. */
function moduleListener(p: Platform, { module }: ModuleSettings, port: number): Listener {
  const worker = module.worker?.(p.container, p.log, p.config);
  return { name: module.name, port, app: moduleApp(p, module), close: async () => worker?.stop() };
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
      listeners: ({ config, log, platform }) => {
        const p = needsPlatform(platform);
        const monolith = monolithApp(p);
        const modules = config.modules.map((settings) => moduleListener(p, settings, settings.port));
        const services = Object.fromEntries(modules.map((l) => [l.name, l.app.fetch]));
        const gateway = createGateway(config.gateway, { monolith: monolith.fetch, services }, identityPolicy(config), log);
        return [
          { name: "gateway", port: config.gateway.port, app: gateway.app, close: gateway.close },
          adminListener(config, gateway.admin),
          { name: "monolith", port: config.monolithPort, app: monolith },
          ...modules,
        ];
      },
    },
    monolith: {
      usesDatabase: true,
      owns: [],
      listeners: ({ config, platform }) => [{ name: "monolith", port: config.port ?? config.monolithPort, app: monolithApp(needsPlatform(platform)) }],
    },
    proxy: {
      usesDatabase: false,
      listeners: ({ config, log }) => {
        const gateway = createGateway(config.gateway, {}, identityPolicy(config), log);
        return [{ name: "gateway", port: config.port ?? config.gateway.port, app: gateway.app, close: gateway.close }, adminListener(config, gateway.admin)];
      },
    },
  };
  for (const settings of config.modules) {
    roles[settings.module.name] = {
      usesDatabase: true,
      owns: [settings.module.name],
      listeners: ({ config, platform }) => [moduleListener(needsPlatform(platform), settings, config.port ?? settings.port)],
    };
  }
  return roles;
}
