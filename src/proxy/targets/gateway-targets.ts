import { splittableRoutes, type GatewayConfig } from "../../config/gateway-config.ts";
import { appTarget, type FetchHandler } from "./app-target.ts";
import type { RouteDefinition } from "../routing/route-table.ts";
import type { Target } from "./target.ts";
import { urlTarget } from "./url-target.ts";

/** Apps of this process the gateway may reach with no network hop (the all-in-one's). */
export interface InProcessApps {
  monolith?: FetchHandler;
  /** By route name: `movies`, `events`, ... */
  services?: Record<string, FetchHandler | undefined>;
}

// Where a split deployment keeps them when nothing else is said: the legacy local topology.
const DEFAULT_MONOLITH_URL = "http://127.0.0.1:8080";
const DEFAULT_EVENTS_URL = "http://127.0.0.1:8082";

/**
 * The targets and routes the configuration describes. A configured URL wins; otherwise an app of
 * this process; otherwise the monolith and the events service at their legacy local ports, and no
 * service for a route that has neither.
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

  const monolith = target("monolith", config.monolithUrl, local.monolith, DEFAULT_MONOLITH_URL)!;
  const routes: RouteDefinition[] = splittableRoutes.map((name) => {
    const env = config.routes[name];
    const service = target(`${name}-service`, env.serviceUrl, local.services?.[name]);
    return { name, prefix: `/api/${name}`, legacy: monolith, ...(service ? { service } : {}), percent: env.percent, gradual: env.gradual };
  });
  // Events never lived in the monolith: the events service is the route's only owner.
  const events = target("events-service", config.eventsUrl, local.services?.events, DEFAULT_EVENTS_URL)!;
  routes.push({ name: "events", prefix: "/api/events", legacy: events, percent: 0, gradual: true });
  return { targets, routes };
}
