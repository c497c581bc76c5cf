import { container as rootContainer, instanceCachingFactory, type DependencyContainer, type InjectionToken } from "tsyringe";
import type { Config } from "../config/config.ts";
import { EVENT_BUS, type EventBus } from "../adapters/bus/event-bus.ts";
import { DATABASE, type Database } from "../adapters/db/database.ts";
import { ByteBudget, LIST_CACHE_BUDGET } from "../adapters/list-cache/byte-budget.ts";
import { RemoteClient } from "../adapters/http-client/remote-client.ts";
import { TRUSTED_PROXY_HOPS } from "../adapters/http-server/pipeline/client-address.ts";

/** Where each module runs, seen from this process: "in-process", or the URL of its service. */
export type Placement = Record<string, string>;

/**
 * The one place that decides placement, per module (every port of a module moves with it): remote
 * when its service URL is configured, except in the process that is that module's own service
 * (it must not call itself).
 */
export function placement(config: Readonly<Config>, owns: readonly string[]): Placement {
  return Object.fromEntries(
    config.modules.map(({ module, serviceUrl }) => [module.name, (owns.includes(module.name) ? undefined : serviceUrl) ?? "in-process"]),
  );
}

/**
 * Binds every port of every module to its in-process service or its remote client, by placement.
 * Tokens, not reflected types: esbuild emits no decorator metadata. A child container per platform
 * keeps tests' platforms apart. Returns the remote clients too, so the platform can close them.
 */
export function bindPorts(
  db: Database,
  bus: EventBus,
  where: Placement,
  config: Readonly<Config>,
): { container: DependencyContainer; clients: RemoteClient[] } {
  const c = rootContainer.createChildContainer();
  const clients: RemoteClient[] = [];
  c.register(DATABASE, { useValue: db });
  c.register(EVENT_BUS, { useValue: bus });
  c.register(TRUSTED_PROXY_HOPS, { useValue: config.trustedProxyHops });
  c.register(LIST_CACHE_BUDGET, { useValue: new ByteBudget(config.listCacheMaxBytes) });
  for (const { module } of config.modules) {
    for (const adapter of module.adapters ?? []) {
      c.register(adapter.token as InjectionToken<unknown>, { useFactory: instanceCachingFactory(() => adapter.open(config)) });
    }
    const url = where[module.name] ?? "in-process";
    // One client per module: its ports share the connection pool to its service.
    const http = url === "in-process" ? undefined : new RemoteClient(`${module.name}-service`, url);
    if (http) clients.push(http);
    for (const port of module.ports) {
      const token = port.token as InjectionToken<unknown>;
      if (http) c.register(token, { useValue: port.remote(http) });
      else c.register(token, { useFactory: instanceCachingFactory((r) => port.inProcess(r, config)) });
    }
  }
  return { container: c, clients };
}
