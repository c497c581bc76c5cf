import type { GatewayConfig } from "../../config/gateway-config.ts";
import type { RouteDefinition } from "../routing/route-table.ts";
import { appTarget, type FetchHandler } from "./app-target.ts";
import type { Target } from "./target.ts";
import { urlTarget } from "./url-target.ts";

/** Apps of this process the gateway may reach with no network hop (the all-in-one's). */
export interface InProcessApps {
  monolith?: FetchHandler;
  /** By route name: each module's own service app. */
  services?: Record<string, FetchHandler | undefined>;
}

/**
 * The targets and routes the configuration describes. A configured URL wins; otherwise an app of
 * this process; otherwise the legacy local address for the monolith and for a module that never
 * lived in it, and no service target for a route that has neither.
 */
export function gatewayTargets(config: GatewayConfig, local: InProcessApps): { targets: Target[]; routes: RouteDefinition[] } {
  const targets: Target[] = [];
  const timeouts = { connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs };
  const target = (name: string, url: string | undefined, app: FetchHandler | undefined, fallbackUrl?: string): string | undefined => {
    if (url) targets.push(urlTarget(name, url, timeouts));
    else if (app) targets.push(appTarget(name, app, timeouts));
    else if (fallbackUrl) targets.push(urlTarget(name, fallbackUrl, timeouts));
    else return undefined;
    return name;
  };

  const monolith = target("monolith", config.monolithUrl, local.monolith, config.monolithLocalUrl)!;
  const routes = config.routes.map((route): RouteDefinition => {
    const app = local.services?.[route.name];
    const base = { name: route.name, prefixes: route.prefixes, percent: route.percent, gradual: route.gradual };
    if (!route.inMonolith) {
      // Its own service is the route's only owner, so it is the legacy target, never shifted.
      return { ...base, legacy: target(`${route.name}-service`, route.serviceUrl, app, route.localUrl)!, percent: 0, gradual: true };
    }
    const service = target(`${route.name}-service`, route.serviceUrl, app);
    // Without a service there is nothing to finish migrating to: GRADUAL_MIGRATION=false must not
    // leave such a route in a state no later change may leave.
    return service ? { ...base, legacy: monolith, service } : { ...base, legacy: monolith, gradual: true };
  });
  return { targets, routes };
}
