import { z } from "zod";
import { flag, port, positiveInt } from "./env-values.ts";
import { gatewayConfig, gatewayEnv, type GatewayConfig } from "./gateway-config.ts";
import { authConfig, authEnv, type AuthConfig } from "./auth-config.ts";
import { contentConfig, contentEnv, type ContentConfig } from "./content-config.ts";
import { moduleEnv, moduleSettings, type ModuleSettings } from "./module-env.ts";
import { checkRegistry, type ModuleDescriptor } from "../modules/module-descriptor.ts";

/** Thrown when the environment does not describe a runnable platform; the message names every bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
    message: "must be a postgres:// or postgresql:// URL",
  });

const HOPS = "must be a whole number from 0 to 10";
const CACHE_BYTES = "must be a whole number of bytes from 0 (no cache) to 4294967296";
const LINGER = "must be a whole number of milliseconds from 0 (no wait) to 1000";

// Empty strings count as unset: `FOO=` in a shell or a compose file means "no value".
const baseEnv = {
  PORT: port.optional(),
  HOST: z.string().min(1).default("0.0.0.0"),
  MONOLITH_PORT: port.default(8080),
  DB_CONNECTION_STRING: postgresUrl.optional(),
  DATABASE_URL: postgresUrl.optional(),
  DB_POOL_MAX: positiveInt("a positive whole number").default(10),
  DB_CONNECT_RETRIES: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(0, "must be 0 or more").max(10, "must be at most 10").default(5),
  PGLITE_DATA_DIR: z.string().min(1).default(".data/pglite"),
  SEED_ON_START: flag.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(10_000),
  SHUTDOWN_IDLE_GRACE_MS: z.coerce.number({ error: "must be a whole number of milliseconds" }).int("must be a whole number of milliseconds").min(0, "must be 0 or more").optional(),
  ADMIN_PORT: port.default(9901),
  ADMIN_HOST: z.string().min(1).default("127.0.0.1"),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(5_000),
  KAFKA_BROKERS: z
    .string()
    .refine((v) => v.split(",").every((b) => /^[\w.-]+:\d{1,5}$/.test(b.trim())), "must be a comma list of host:port")
    .transform((v) => v.split(",").map((b) => b.trim()))
    .optional(),
  KAFKA_PARTITIONS: positiveInt("a positive whole number").default(3),
  KAFKA_PUBLISH_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(3_000),
  // 0: what arrives in one turn of the event loop goes in one produce request, with no wait; under
  // load, what arrives while a request is in flight goes in the next. With clients in lock step, a
  // linger of 2 ms started every cycle with 2 ms of waiting (BENCHMARKS.md).
  KAFKA_LINGER_MS: z.coerce.number({ error: LINGER }).int(LINGER).min(0, LINGER).max(1_000, LINGER).default(0),
  OUTBOX_RELAY: flag.default(true),
  // 64 MiB: a 100,000-movie list is about 15 MB.
  LIST_CACHE_MAX_BYTES: z.coerce
    .number({ error: CACHE_BYTES })
    .int(CACHE_BYTES)
    .min(0, CACHE_BYTES)
    .max(2 ** 32, CACHE_BYTES)
    .default(64 * 1024 * 1024),
  // 0 by default: a header written by nobody we trust never names the client. README "Limits" gives each deployment's value.
  TRUSTED_PROXY_HOPS: z.coerce.number({ error: HOPS }).int(HOPS).min(0, HOPS).max(10, HOPS).default(0),
  ...gatewayEnv,
  ...authEnv,
  ...contentEnv,
};

export type BusConfig =
  | { kind: "kafka"; brokers: string[]; partitions: number; publishTimeoutMs: number; lingerMs: number }
  | { kind: "in-process" };

export type DatabaseConfig =
  | {
      kind: "postgres";
      url: string;
      poolMax: number;
      /** Tries after the first to reach a server that is not up yet, at 250 ms doubling (5: about 8 s). */
      connectRetries: number;
    }
  | { kind: "pglite"; dataDir: string };

/** Bounds on every listener's connections, so idle and slowloris clients cannot hold sockets forever. */
export interface ServerTimeouts {
  /** The whole request head must arrive within this (Node answers 408 and closes). */
  headersMs: number;
  /** The whole request, body included, must arrive within this; large uploads need it generous. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /**
   * On stop, idle keep-alive connections stay open this long before they are closed, so clients
   * retire them first (their idle limit is below the server's keep-alive timeout): closing one while
   * a client reuses it fails that client's request, which it cannot tell was never read.
   */
  drainIdleMs: number;
}

/** The admin listener: metrics and the admin API, apart from the public port (as Envoy's admin). */
export interface AdminListener {
  port: number;
  /** 127.0.0.1 unless ADMIN_HOST says otherwise: the ingress never reaches it. */
  host: string;
}

export interface Config {
  /** Port of a single-role process; undefined means the role's legacy default. */
  port: number | undefined;
  host: string;
  monolithPort: number;
  /** Every module of the registry, in its order, with its port, service URL and percent. */
  modules: readonly ModuleSettings[];
  bus: BusConfig;
  /** Whether this process relays the outbox to the bus (one relay per database is enough; several are safe). */
  outboxRelay: boolean;
  database: DatabaseConfig;
  /** Load the seed data at start (idempotent); on by default only for the embedded database. */
  seedOnStart: boolean;
  logLevel: z.output<typeof baseEnv.LOG_LEVEL>;
  shutdownTimeoutMs: number;
  serverTimeouts: Readonly<ServerTimeouts>;
  admin: Readonly<AdminListener>;
  /**
   * Proxies between the client and this process whose X-Forwarded-For entries are believed (as
   * Envoy's xff_num_trusted_hops): 0 means the socket's peer is the client.
   */
  trustedProxyHops: number;
  /** Bytes of whole lists (movies, payments, subscriptions) this process keeps serialized; 0: none, every list is streamed. */
  listCacheMaxBytes: number;
  gateway: Readonly<GatewayConfig>;
  auth: Readonly<AuthConfig>;
  /** Movie content: the store (S3 or files under the data dir) and the lifetimes of its URLs. */
  content: Readonly<ContentConfig>;
}

function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") out[key] = value.trim();
  }
  return out;
}

/**
 * Reads and validates the environment once, for the modules of the registry; throws ConfigError
 * naming each bad variable and what it allows.
 */
export function loadConfig(env: Record<string, string | undefined>, modules: readonly ModuleDescriptor[]): Readonly<Config> {
  checkRegistry(modules);
  const envSchema = z.object({ ...baseEnv, ...moduleEnv(modules) });
  const parsed = envSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data as z.output<z.ZodObject<typeof baseEnv>> & Record<string, unknown>;
  // A misspelt route name would leave that route open while the operator believes it closed.
  const closable = modules.filter((m) => !m.issuesTokens).map((m) => m.name);
  const unknownRoutes = (e.GATEWAY_REQUIRE_AUTH ?? []).filter((name) => name !== "all" && !closable.includes(name));
  if (unknownRoutes.length > 0) {
    const named = unknownRoutes.map((n) => `'${n}'`).join(", ");
    const why = unknownRoutes.some((n) => modules.some((m) => m.name === n)) ? `route ${named} hands out tokens and cannot require one` : `unknown route ${named}`;
    throw new ConfigError(`Invalid configuration:\n  GATEWAY_REQUIRE_AUTH: ${why}; routes: all, ${closable.join(", ")}`);
  }
  // `all` is every route that can be closed: the gateway and every role read the same explicit list.
  const requireAuth = e.GATEWAY_REQUIRE_AUTH?.includes("all") ? closable : (e.GATEWAY_REQUIRE_AUTH ?? []);
  const content = contentConfig(e);
  if (Array.isArray(content)) throw new ConfigError(`Invalid configuration:\n${content.map((line) => `  ${line}`).join("\n")}`);
  const settings = moduleSettings(modules, e);
  const url = e.DB_CONNECTION_STRING ?? e.DATABASE_URL;
  const database: DatabaseConfig = url
    ? { kind: "postgres", url, poolMax: e.DB_POOL_MAX, connectRetries: e.DB_CONNECT_RETRIES }
    : { kind: "pglite", dataDir: e.PGLITE_DATA_DIR };
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    monolithPort: e.MONOLITH_PORT,
    modules: Object.freeze(settings),
    bus: Object.freeze(
      e.KAFKA_BROKERS
        ? { kind: "kafka" as const, brokers: e.KAFKA_BROKERS, partitions: e.KAFKA_PARTITIONS, publishTimeoutMs: e.KAFKA_PUBLISH_TIMEOUT_MS, lingerMs: e.KAFKA_LINGER_MS }
        : { kind: "in-process" as const },
    ),
    outboxRelay: e.OUTBOX_RELAY,
    database: Object.freeze(database),
    seedOnStart: e.SEED_ON_START ?? database.kind === "pglite",
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    admin: Object.freeze({ port: e.ADMIN_PORT, host: e.ADMIN_HOST }),
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    listCacheMaxBytes: e.LIST_CACHE_MAX_BYTES,
    serverTimeouts: Object.freeze({ headersMs: e.HTTP_HEADERS_TIMEOUT_MS, requestMs: e.HTTP_REQUEST_TIMEOUT_MS, keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS, drainIdleMs: e.SHUTDOWN_IDLE_GRACE_MS ?? e.HTTP_KEEP_ALIVE_TIMEOUT_MS }),
    gateway: Object.freeze(gatewayConfig(e, settings)),
    auth: Object.freeze({ ...authConfig(e), requireAuth }),
    content: Object.freeze({ ...content, store: Object.freeze(content.store) }),
  });
}
