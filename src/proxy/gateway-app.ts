import { Hono } from "hono";
import type { GatewayConfig } from "../config/gateway-config.ts";
import type { AppEnv } from "../adapters/http-server/app-env.ts";
import { withBaseMiddleware } from "../adapters/http-server/create-app.ts";
import { answerAdminPathsWith404 } from "../adapters/http-server/errors/admin-paths.ts";
import { apiDocs } from "../adapters/http-server/docs/api-docs.ts";
import { probeRoutes } from "../adapters/http-server/probes/probe-routes.ts";
import { answerWrongMethodsWith405 } from "../adapters/http-server/errors/method-not-allowed.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import { mergedOpenApi } from "./docs/merged-openapi.ts";
import { adminRoutes, routesReport, trafficReport } from "./control/admin-routes.ts";
import { GatewayMetrics } from "./observe/gateway-metrics.ts";
import { RecentTraffic } from "./observe/recent-traffic.ts";
import { dashboardRoutes } from "./dashboard/dashboard-routes.ts";
import { gatewayTargets, type InProcessApps } from "./targets/gateway-targets.ts";
import type { RequestListener } from "node:http";
import { proxyHandler } from "./forwarding/proxy-handler.ts";
import { forwarder } from "./forwarding/forwarder.ts";
import { nodeEdge } from "./forwarding/node-edge.ts";
import type { IdentityPolicy } from "./routing/caller-identity.ts";
import { RouteRegistry } from "./routing/route-registry.ts";
import { watchRouteFile } from "./control/route-file-watch.ts";
import { TargetGuard } from "./targets/target-guard.ts";
import { RolloutController } from "./rollout/rollout-controller.ts";
import { RolloutMetrics } from "./rollout/rollout-metrics.ts";
import { rolloutAdminRoutes } from "./rollout/rollout-admin-routes.ts";
import { MemoryRolloutStore, type RolloutStore } from "./rollout/rollout-store.ts";

export interface Gateway {
  /** The public listener's app: the proxy, its health, its OpenAPI document. */
  app: Hono<AppEnv>;
  /** In front of `app` on a Node server: forwards what goes to URL targets without web Request/Response objects. */
  edge(next: RequestListener): RequestListener;
  /** The admin listener's app: /metrics and, with a token, the admin API. */
  admin: Hono<AppEnv>;
  registry: RouteRegistry;
  guards: ReadonlyMap<string, TargetGuard>;
  metrics: GatewayMetrics;
  traffic: RecentTraffic;
  rollouts: RolloutController;
  /** At the start of a graceful stop, while the listeners drain: hands the rollout lease over. */
  drain(): Promise<void>;
  /** Stops watching the route file and closes the upstream connection pools. */
  close(): Promise<void>;
}

function effectivePercent(route: { service?: string; percent: number; gradual: boolean }): number {
  if (route.service === undefined) return 0;
  return route.gradual ? route.percent : 100;
}

/**
 * The strangler-fig gateway: /health, /metrics, the admin API when a token is set, and the proxy.
 * `rolloutState` keeps rollouts and shadow diffs (a database shared by the replicas); without one
 * they live in this process only.
 */
export function createGateway(
  config: GatewayConfig,
  local: InProcessApps,
  identity: IdentityPolicy,
  log: Logger,
  rolloutState?: RolloutStore | Promise<RolloutStore>,
): Gateway {
  const gatewayLog = log.child({ component: "gateway" });
  const metrics = new GatewayMetrics();
  // 15 minutes in 5-second buckets: what the dashboard charts and the CLI's rates read.
  const traffic = new RecentTraffic({ bucketMs: 5000, buckets: 180 });
  const { targets, routes } = gatewayTargets(config, local);
  const registry = new RouteRegistry(routes);
  // The routes each target is the last resort of: they are in panic while it is ejected.
  const routesOfLastResort = new Map<string, string[]>();
  for (const r of routes) routesOfLastResort.set(r.legacy, [...(routesOfLastResort.get(r.legacy) ?? []), r.name]);
  const guards = new Map(
    targets.map((t) => [
      t.name,
      new TargetGuard(t, config.breaker, {
        lastResort: routesOfLastResort.has(t.name),
        onStateChange: (state) => {
          metrics.breakerState(t.name, state);
          gatewayLog.warn({ target: t.name, breaker: state }, "breaker state changed");
          const panicking = routesOfLastResort.get(t.name) ?? [];
          for (const route of panicking) metrics.routePanic(route, state !== "closed");
          if (panicking.length > 0 && state === "open") {
            gatewayLog.error({ target: t.name, routes: panicking }, "routes in panic: their last-resort target is ejected and still takes their traffic");
          }
        },
      }),
    ]),
  );
  for (const t of targets) metrics.breakerState(t.name, "closed");
  for (const r of routes) {
    metrics.routePercent(r.name, effectivePercent(r));
    metrics.routePanic(r.name, false);
  }
  registry.onChange((r) => metrics.routePercent(r.name, effectivePercent(r)));
  // `rollouts` is read when the file changes later, never at the first load.
  const stopWatching = config.configFile ? watchRouteFile(config.configFile, registry, gatewayLog, (route) => rollouts.holdsWeight(route)) : () => {};
  if (!rolloutState) gatewayLog.warn("the gateway has no database: rollouts, weight history and shadow diffs live in this process only, are lost on restart and are not shared with other replicas; set DB_CONNECTION_STRING to keep them");
  // After the route file's first load: the stored rollouts' weights win over it at start.
  const rollouts = new RolloutController(
    rolloutState ?? new MemoryRolloutStore(),
    registry,
    new Map(targets.map((t) => [t.name, t])),
    new RolloutMetrics(metrics.registry),
    gatewayLog.child({ component: "rollouts" }),
    config.rollout,
  );

  // Nothing the gateway runs reads the async request context (its log lines name the request
  // themselves), and one probe or scrape entering it would make every promise of the proxy role
  // pay AsyncLocalStorage's hooks from then on.
  const app = withBaseMiddleware(new Hono<AppEnv>(), gatewayLog, { asyncContext: false });
  // The legacy proxy's health answer, kept byte for byte.
  app.get("/health", (c) => c.text("Strangler Fig Proxy is healthy"));
  // The gateway needs nothing to be ready: with a target away it still answers (fallback, 503).
  app.route("/", probeRoutes({}));
  const openApi = mergedOpenApi(() => registry.list(), new Map(targets.map((t) => [t.name, t])));
  app.get("/openapi.json", async (c) => c.json(await openApi()));
  apiDocs(app, "CinemaAbyss gateway");
  // The gateway's own paths answer 405 with Allow for other methods, as the services do.
  answerWrongMethodsWith405(app);
  answerAdminPathsWith404(app);
  const forward = forwarder({ guards, metrics, traffic, log: gatewayLog, rollouts });
  const edgeDeps = { registry, forward, identity, body: config.clientBody, rollouts };
  app.all("*", proxyHandler(edgeDeps));
  const inProcess = new Set(targets.filter((t) => t.address === "in-process").map((t) => t.name));
  const direct = (route: { legacy: string; service?: string }) => !inProcess.has(route.legacy) && (route.service === undefined || !inProcess.has(route.service));
  const edge = (next: RequestListener) => nodeEdge({ ...edgeDeps, log: gatewayLog, direct }, next);

  // Apart from the public port, as Envoy's admin: the ingress never exposes what shifts traffic.
  const admin = withBaseMiddleware(new Hono<AppEnv>(), gatewayLog, { asyncContext: false });
  admin.get("/metrics", async (c) => c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }));
  // Ends the dashboard's live streams when the gateway closes, rather than at the close timeout.
  const closing = new AbortController();
  if (config.adminToken) {
    admin.route("/", adminRoutes(config.adminToken, { registry, guards, traffic }, gatewayLog));
    admin.route("/", rolloutAdminRoutes(config.adminToken, rollouts, gatewayLog));
    const delivery = async () =>
      Object.fromEntries(
        await Promise.all(registry.list().filter((r) => r.service !== undefined).map(async (r) => [r.name, { rollout: await rollouts.report(r.name), diff: await rollouts.diff(r.name) }] as const)),
      );
    admin.route("/", dashboardRoutes(config.adminToken, { routes: () => routesReport(registry, guards), traffic: (seconds) => trafficReport({ registry, guards, traffic }, seconds), delivery }, closing.signal));
  }
  answerWrongMethodsWith405(admin);

  log.info({ routes: registry.list(), targets: targets.map((t) => ({ name: t.name, address: t.address })), admin: Boolean(config.adminToken) }, "gateway routes");
  return {
    app,
    edge,
    admin,
    registry,
    guards,
    metrics,
    traffic,
    rollouts,
    drain: () => rollouts.retire(),
    close: async () => {
      closing.abort();
      stopWatching();
      await rollouts.stop();
      await Promise.all(targets.map((t) => t.close()));
    },
  };
}
