import { z } from "zod";
import { flag, httpUrl, percent, port, positiveInt } from "./env-values.ts";

/** The gateway's part of the environment; legacy names (MONOLITH_URL, GRADUAL_MIGRATION, ...) kept. */
export const gatewayEnv = {
  GATEWAY_PORT: port.default(8000),
  MONOLITH_URL: httpUrl.optional(),
  MOVIES_SERVICE_URL: httpUrl.optional(),
  EVENTS_SERVICE_URL: httpUrl.optional(),
  USERS_SERVICE_URL: httpUrl.optional(),
  PAYMENTS_SERVICE_URL: httpUrl.optional(),
  SUBSCRIPTIONS_SERVICE_URL: httpUrl.optional(),
  AUTH_SERVICE_URL: httpUrl.optional(),
  GRADUAL_MIGRATION: flag.default(true),
  MOVIES_MIGRATION_PERCENT: percent.default(0),
  USERS_MIGRATION_PERCENT: percent.default(0),
  PAYMENTS_MIGRATION_PERCENT: percent.default(0),
  SUBSCRIPTIONS_MIGRATION_PERCENT: percent.default(0),
  AUTH_MIGRATION_PERCENT: percent.default(0),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters (it guards traffic shifting)").optional(),
  GATEWAY_CONFIG: z.string().min(1).optional(),
  GATEWAY_CONNECT_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(2_000),
  GATEWAY_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(30_000),
  BREAKER_MAX_CONCURRENT: positiveInt("a positive whole number").default(200),
  BREAKER_MAX_PENDING: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(0, "must be 0 or more").default(200),
  BREAKER_CONSECUTIVE_FAILURES: positiveInt("a positive whole number").default(5),
  BREAKER_BASE_EJECTION_MS: positiveInt("a positive number of milliseconds").default(30_000),
  BREAKER_MAX_EJECTION_MS: positiveInt("a positive number of milliseconds").default(300_000),
};

type GatewayEnv = z.output<z.ZodObject<typeof gatewayEnv>>;

/** The module-owned routes the gateway can split between the monolith and a service of their own. */
export const splittableRoutes = ["users", "movies", "payments", "subscriptions", "auth"] as const;
export type SplittableRoute = (typeof splittableRoutes)[number];

export interface RouteEnv {
  /** The extracted service's URL; undefined where it runs in this process or does not exist. */
  serviceUrl: string | undefined;
  percent: number;
  gradual: boolean;
}

export interface BreakerLimits {
  maxConcurrent: number;
  maxPending: number;
  consecutiveFailures: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
}

export interface GatewayConfig {
  port: number;
  /** Undefined: the monolith is in this process (all-in-one) or at its legacy local address (proxy role). */
  monolithUrl: string | undefined;
  eventsUrl: string | undefined;
  routes: Record<SplittableRoute, RouteEnv>;
  adminToken: string | undefined;
  configFile: string | undefined;
  connectTimeoutMs: number;
  timeoutMs: number;
  breaker: BreakerLimits;
}

export function gatewayConfig(e: GatewayEnv): GatewayConfig {
  // GRADUAL_MIGRATION is the legacy switch of the movies migration only; other routes start gradual.
  const route = (serviceUrl: string | undefined, pct: number, gradual = true): RouteEnv => ({ serviceUrl, percent: pct, gradual });
  return {
    port: e.GATEWAY_PORT,
    monolithUrl: e.MONOLITH_URL,
    eventsUrl: e.EVENTS_SERVICE_URL,
    routes: {
      users: route(e.USERS_SERVICE_URL, e.USERS_MIGRATION_PERCENT),
      movies: route(e.MOVIES_SERVICE_URL, e.MOVIES_MIGRATION_PERCENT, e.GRADUAL_MIGRATION),
      payments: route(e.PAYMENTS_SERVICE_URL, e.PAYMENTS_MIGRATION_PERCENT),
      subscriptions: route(e.SUBSCRIPTIONS_SERVICE_URL, e.SUBSCRIPTIONS_MIGRATION_PERCENT),
      auth: route(e.AUTH_SERVICE_URL, e.AUTH_MIGRATION_PERCENT),
    },
    adminToken: e.ADMIN_TOKEN,
    configFile: e.GATEWAY_CONFIG,
    connectTimeoutMs: e.GATEWAY_CONNECT_TIMEOUT_MS,
    timeoutMs: e.GATEWAY_TIMEOUT_MS,
    breaker: {
      maxConcurrent: e.BREAKER_MAX_CONCURRENT,
      maxPending: e.BREAKER_MAX_PENDING,
      consecutiveFailures: e.BREAKER_CONSECUTIVE_FAILURES,
      baseEjectionMs: e.BREAKER_BASE_EJECTION_MS,
      maxEjectionMs: e.BREAKER_MAX_EJECTION_MS,
    },
  };
}
