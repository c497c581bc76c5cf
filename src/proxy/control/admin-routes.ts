import { Hono } from "hono";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";
import { bearerAuth } from "hono/bearer-auth";
import { AppError } from "../../contracts/app-error.ts";
import { validationMessage } from "../../contracts/validation-message.ts";
import type { Logger } from "../../adapters/logging/logger.ts";
import type { RouteRegistry } from "../routing/route-registry.ts";
import { RouteWeightChange } from "../routing/route-table.ts";
import type { TargetGuard } from "../targets/target-guard.ts";
import type { RecentTraffic } from "../observe/recent-traffic.ts";
import { z } from "zod";

/** What the admin API reads and changes. */
export interface AdminState {
  registry: RouteRegistry;
  guards: ReadonlyMap<string, TargetGuard>;
  traffic: RecentTraffic;
}

const TrafficQuery = z.object({ seconds: z.coerce.number().int().min(1).max(24 * 3600).default(900) });

/** GET /admin/traffic: each route's recent buckets per target, told apart as its legacy or service side. */
export function trafficReport({ registry, traffic }: AdminState, seconds: number) {
  const routes = new Map(registry.list().map((r) => [r.name, r]));
  return {
    bucketMs: traffic.bucketMs,
    series: traffic.series(seconds * 1000).map((s) => ({ ...s, side: routes.get(s.route)?.service === s.target ? ("service" as const) : ("legacy" as const) })),
  };
}

/** The JSON of GET /admin/traffic. */
export type TrafficReport = ReturnType<typeof trafficReport>;

/** What GET /admin/routes shows: the table with live weights, and each target's counters and breaker. */
export function routesReport(registry: RouteRegistry, guards: ReadonlyMap<string, TargetGuard>) {
  return {
    routes: registry.list(),
    targets: [...guards.values()].map((g) => ({ name: g.target.name, address: g.target.address, breaker: g.state, ...g.stats })),
  };
}

/** The JSON of GET /admin/routes, for the tests and tools that read it. */
export type RoutesReport = ReturnType<typeof routesReport>;

/** The authenticated admin API that re-weights routes at run time: `Authorization: Bearer <ADMIN_TOKEN>`. */
export function adminRoutes(token: string, state: AdminState, log: Logger) {
  const { registry, guards } = state;
  return new Hono<AppEnv>()
    .use("/admin/*", bearerAuth({ token }))
    .get("/admin/routes", (c) => c.json(routesReport(registry, guards)))
    .get("/admin/traffic", (c) => {
      const parsed = TrafficQuery.safeParse(c.req.query());
      if (!parsed.success) throw AppError.invalid(validationMessage(parsed.error, "query"));
      return c.json(trafficReport(state, parsed.data.seconds));
    })
    .put("/admin/routes/:name", async (c) => {
      const body = await c.req.json().catch(() => {
        throw AppError.invalid("body: must be valid JSON");
      });
      const parsed = RouteWeightChange.safeParse(body);
      if (!parsed.success) throw AppError.invalid(validationMessage(parsed.error, "body"));
      const route = registry.change(c.req.param("name"), parsed.data);
      log.info({ route: route.name, percent: route.percent, gradual: route.gradual, by: "admin-api", requestId: c.get("requestId") }, "route re-weighted");
      return c.json(route);
    });
}
