import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../adapters/http-server/app-env.ts";
import { createApp, finishApp } from "../adapters/http-server/create-app.ts";
import { healthRoutes } from "../adapters/http-server/health-routes.ts";
import { probeRoutes } from "../adapters/http-server/probe-routes.ts";
import { MOVIES_API, moviesRoutes } from "../modules/movies/index.ts";
import { PAYMENTS_API, paymentsRoutes, SUBSCRIPTIONS_API, subscriptionsRoutes } from "../modules/payments/index.ts";
import { USERS_API, usersRoutes } from "../modules/users/index.ts";
import { EVENTS_API, eventsRoutes } from "../modules/events/index.ts";
import { AUTH_API, authRoutes } from "../modules/auth/index.ts";
import type { Platform } from "./platform.ts";

/** Probes of a role with a database: ready while the database and the bus answer. */
function probes(platform: Platform) {
  return probeRoutes({ database: () => platform.database.ping(), broker: () => platform.bus.ping() });
}

// Health first: "/api/movies/health" must win over "/api/movies/{id}".
function withHealth(platform: Platform, paths: string[]): OpenAPIHono<AppEnv> {
  return createApp(platform.log).route("/", probes(platform)).route("/", healthRoutes(paths, () => platform.database.ping()));
}

/** The monolith's API: every legacy endpoint, as the legacy monolith on 8080 served it. */
export function monolithApp(platform: Platform): OpenAPIHono<AppEnv> {
  const r = platform.container;
  const app = withHealth(platform, ["/health", "/api/movies/health"])
    .route("/", usersRoutes(r.resolve(USERS_API)))
    .route("/", moviesRoutes(r.resolve(MOVIES_API)))
    .route("/", paymentsRoutes(r.resolve(PAYMENTS_API)))
    .route("/", subscriptionsRoutes(r.resolve(SUBSCRIPTIONS_API)))
    .route("/", authRoutes(r.resolve(AUTH_API)));
  return finishApp(app, "CinemaAbyss monolith");
}

/** The movies service's API: the first module extracted from the monolith, same routes, same code. */
export function moviesApp(platform: Platform): OpenAPIHono<AppEnv> {
  const app = withHealth(platform, ["/health", "/api/movies/health"]).route(
    "/",
    moviesRoutes(platform.container.resolve(MOVIES_API)),
  );
  return finishApp(app, "CinemaAbyss movies service");
}

/** A users service: the users module alone. */
export function usersApp(platform: Platform): OpenAPIHono<AppEnv> {
  const app = withHealth(platform, ["/health", "/api/users/health"]).route("/", usersRoutes(platform.container.resolve(USERS_API)));
  return finishApp(app, "CinemaAbyss users service");
}

/** A payments service: payments and subscriptions, the payments module alone. */
export function paymentsApp(platform: Platform): OpenAPIHono<AppEnv> {
  const r = platform.container;
  const app = withHealth(platform, ["/health", "/api/payments/health"])
    .route("/", paymentsRoutes(r.resolve(PAYMENTS_API)))
    .route("/", subscriptionsRoutes(r.resolve(SUBSCRIPTIONS_API)));
  return finishApp(app, "CinemaAbyss payments service");
}

/** The auth service: registration, login, tokens. */
export function authApp(platform: Platform): OpenAPIHono<AppEnv> {
  const app = withHealth(platform, ["/health", "/api/auth/health"]).route("/", authRoutes(platform.container.resolve(AUTH_API)));
  return finishApp(app, "CinemaAbyss auth service");
}

/** The events service's API: publish events, and its health that follows the broker. */
export function eventsApp(platform: Platform): OpenAPIHono<AppEnv> {
  const app = createApp(platform.log).route("/", probes(platform)).route("/", eventsRoutes(platform.container.resolve(EVENTS_API)));
  return finishApp(app, "CinemaAbyss events service");
}
