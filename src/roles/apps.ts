import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../adapters/http-server/app-env.ts";
import { createApp, finishApp } from "../adapters/http-server/create-app.ts";
import { healthRoutes } from "../adapters/http-server/probes/health-routes.ts";
import { probeRoutes } from "../adapters/http-server/probes/probe-routes.ts";
import { remoteChecks } from "../adapters/http-client/remote-readiness.ts";
import type { ModuleDescriptor } from "../modules/module-descriptor.ts";
import type { Platform } from "./platform.ts";
import { requestIdentity } from "./request-identity.ts";

/** Probes of a role with a database: ready while the database and the bus answer, and once each remote module has. */
function probes(platform: Platform) {
  return probeRoutes({ database: () => platform.database.ping(), broker: () => platform.bus.ping(), ...remoteChecks(platform.placement) });
}

/**
 * An app serving these modules' routes: probes, `/health` and each module's health path (a module
 * that answers its own health, as events does for its broker, keeps it; the others follow the
 * database), then the routes. Health comes first: "/api/movies/health" must win over "/api/movies/{id}".
 */
function appOf(platform: Platform, modules: readonly ModuleDescriptor[], title: string, service: string): OpenAPIHono<AppEnv> {
  const routers = modules.map((m) => m.routes(platform.container));
  const answered = new Set(routers.flatMap((r) => r.routes.filter((route) => route.method === "GET").map((route) => route.path)));
  const healthPaths = ["/health", ...modules.map((m) => m.healthPath)].filter((path) => !answered.has(path));
  const app = createApp(platform.log, {
    identity: requestIdentity(platform.config),
    timing: platform.metrics.http.recorder(service),
    streamedBodyPaths: modules.flatMap((m) => m.streamedBodyPaths ?? []),
    asyncContext: modules.some((m) => m.asyncRequestContext !== false),
  })
    .route("/", probes(platform))
    .route("/", healthRoutes(healthPaths, () => platform.database.ping()));
  for (const router of routers) app.route("/", router);
  return finishApp(app, title);
}

/** The monolith's API: every module that lived in it, as the legacy monolith on 8080 served them. */
export function monolithApp(platform: Platform): OpenAPIHono<AppEnv> {
  const modules = platform.config.modules.filter(({ module }) => module.inMonolith).map(({ module }) => module);
  return appOf(platform, modules, "CinemaAbyss monolith", "monolith");
}

/** One module's own service: the same routes, the same code, alone. */
export function moduleApp(platform: Platform, module: ModuleDescriptor): OpenAPIHono<AppEnv> {
  return appOf(platform, [module], module.title, module.name);
}
