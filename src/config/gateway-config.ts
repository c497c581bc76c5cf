import { hostname } from "node:os";
import { z } from "zod";
import { flag, httpUrl, port, positiveInt } from "./env-values.ts";
import { isPlaceholderSecret } from "./placeholder-secrets.ts";
import type { ModuleSettings } from "./module-env.ts";

/** The gateway's part of the environment; legacy names (MONOLITH_URL, GRADUAL_MIGRATION, ...) kept. */
export const gatewayEnv = {
  GATEWAY_PORT: port.default(8000),
  MONOLITH_URL: httpUrl.optional(),
  GRADUAL_MIGRATION: flag.default(true),
  ADMIN_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters (it guards traffic shifting)")
    .refine((v) => !isPlaceholderSecret(v), "is a placeholder (a published example); generate one, e.g. `openssl rand -base64 32`")
    .optional(),
  GATEWAY_CONFIG: z.string().min(1).optional(),
  GATEWAY_CONNECT_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(2_000),
  GATEWAY_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(30_000),
  GATEWAY_BODY_BUFFER_BYTES: positiveInt("a positive number of bytes").default(1024 * 1024),
  GATEWAY_CLIENT_BODY_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(10_000),
  BREAKER_MAX_CONCURRENT: positiveInt("a positive whole number").default(200),
  BREAKER_MAX_PENDING: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(0, "must be 0 or more").default(200),
  BREAKER_CONSECUTIVE_FAILURES: positiveInt("a positive whole number").default(5),
  BREAKER_BASE_EJECTION_MS: positiveInt("a positive number of milliseconds").default(30_000),
  BREAKER_MAX_EJECTION_MS: positiveInt("a positive number of milliseconds").default(300_000),
  GATEWAY_REPLICA_ID: z.string().min(1).max(100).optional(),
  GATEWAY_ROLLOUT_TICK_MS: positiveInt("a positive number of milliseconds").pipe(z.number().min(20, "must be at least 20").max(1_000, "must be at most 1000 (replicas apply weights within 2 s)")).default(500),
  GATEWAY_SHADOW_MAX_CONCURRENT: positiveInt("a positive whole number").default(16),
  GATEWAY_SHADOW_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(5_000),
};

type GatewayEnv = z.output<z.ZodObject<typeof gatewayEnv>>;

/** One route of the gateway: a module's prefixes, its legacy target and its service target. */
export interface RouteEnv {
  /** The module's name: the route's name in the admin API and the route file. */
  name: string;
  prefixes: readonly string[];
  /** True: the monolith is the legacy target. False: the module's own service is the only target. */
  inMonolith: boolean;
  /** The extracted service's URL (`<NAME>_SERVICE_URL`); undefined where it runs in this process or does not exist. */
  serviceUrl: string | undefined;
  /** Where the module's service listens on this host by default (`<NAME>_PORT`): the last resort of a module with no other target. */
  localUrl: string;
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
  /** Where the monolith listens on this host by default (`MONOLITH_PORT`). */
  monolithLocalUrl: string;
  routes: readonly RouteEnv[];
  adminToken: string | undefined;
  configFile: string | undefined;
  connectTimeoutMs: number;
  timeoutMs: number;
  /** Bodies up to bufferBytes are read whole, within timeoutMs, before a target is chosen. */
  clientBody: { bufferBytes: number; timeoutMs: number };
  breaker: BreakerLimits;
  /** Rollouts and shadow traffic: this replica's name, the pace of its loop, the shadow's limits. */
  rollout: { replica: string; tickMs: number; shadowMaxConcurrent: number; shadowTimeoutMs: number };
}

/** The gateway's settings: one route per module of the registry, in its order. */
export function gatewayConfig(e: GatewayEnv & { MONOLITH_PORT: number }, modules: readonly ModuleSettings[]): GatewayConfig {
  return {
    port: e.GATEWAY_PORT,
    monolithUrl: e.MONOLITH_URL,
    monolithLocalUrl: `http://127.0.0.1:${e.MONOLITH_PORT}`,
    routes: modules.map(({ module, serviceUrl, percent, port: modulePort }) => ({
      name: module.name,
      prefixes: module.routePrefixes,
      inMonolith: module.inMonolith,
      serviceUrl,
      localUrl: `http://127.0.0.1:${modulePort}`,
      percent,
      // GRADUAL_MIGRATION=false: the migration is finished, every route with a service goes to it.
      gradual: e.GRADUAL_MIGRATION,
    })),
    adminToken: e.ADMIN_TOKEN,
    configFile: e.GATEWAY_CONFIG,
    connectTimeoutMs: e.GATEWAY_CONNECT_TIMEOUT_MS,
    timeoutMs: e.GATEWAY_TIMEOUT_MS,
    clientBody: { bufferBytes: e.GATEWAY_BODY_BUFFER_BYTES, timeoutMs: e.GATEWAY_CLIENT_BODY_TIMEOUT_MS },
    breaker: {
      maxConcurrent: e.BREAKER_MAX_CONCURRENT,
      maxPending: e.BREAKER_MAX_PENDING,
      consecutiveFailures: e.BREAKER_CONSECUTIVE_FAILURES,
      baseEjectionMs: e.BREAKER_BASE_EJECTION_MS,
      maxEjectionMs: e.BREAKER_MAX_EJECTION_MS,
    },
    rollout: {
      // Stable over restarts on Kubernetes (the pod name); elsewhere host and pid tell replicas apart.
      replica: e.GATEWAY_REPLICA_ID ?? `${hostname()}-${process.pid}`,
      tickMs: e.GATEWAY_ROLLOUT_TICK_MS,
      shadowMaxConcurrent: e.GATEWAY_SHADOW_MAX_CONCURRENT,
      shadowTimeoutMs: e.GATEWAY_SHADOW_TIMEOUT_MS,
    },
  };
}
