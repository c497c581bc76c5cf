import { z } from "zod";
import { flag, port, positiveInt } from "./env-values.ts";
import { gatewayConfig, gatewayEnv, type GatewayConfig } from "./gateway-config.ts";

/** Thrown when the environment does not describe a runnable platform; the message names every bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
    message: "must be a postgres:// or postgresql:// URL",
  });

// Empty strings count as unset: `FOO=` in a shell or a compose file means "no value".
const envSchema = z.object({
  PORT: port.optional(),
  HOST: z.string().min(1).default("0.0.0.0"),
  MONOLITH_PORT: port.default(8080),
  MOVIES_PORT: port.default(8081),
  DB_CONNECTION_STRING: postgresUrl.optional(),
  DATABASE_URL: postgresUrl.optional(),
  DB_POOL_MAX: positiveInt("a positive whole number").default(10),
  PGLITE_DATA_DIR: z.string().min(1).default(".data/pglite"),
  SEED_ON_START: flag.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: positiveInt("a positive number of milliseconds").default(10_000),
  ...gatewayEnv,
});

export type DatabaseConfig =
  | { kind: "postgres"; url: string; poolMax: number }
  | { kind: "pglite"; dataDir: string };

export interface Config {
  /** Port of a single-role process; undefined means the role's legacy default. */
  port: number | undefined;
  host: string;
  ports: { monolith: number; movies: number };
  database: DatabaseConfig;
  /** Load the seed data at start (idempotent); on by default only for the embedded database. */
  seedOnStart: boolean;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  shutdownTimeoutMs: number;
  gateway: Readonly<GatewayConfig>;
}

function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") out[key] = value.trim();
  }
  return out;
}

/** Reads and validates the environment once; throws ConfigError naming each bad variable and what it allows. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = envSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const url = e.DB_CONNECTION_STRING ?? e.DATABASE_URL;
  const database: DatabaseConfig = url
    ? { kind: "postgres", url, poolMax: e.DB_POOL_MAX }
    : { kind: "pglite", dataDir: e.PGLITE_DATA_DIR };
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    ports: Object.freeze({ monolith: e.MONOLITH_PORT, movies: e.MOVIES_PORT }),
    database: Object.freeze(database),
    seedOnStart: e.SEED_ON_START ?? database.kind === "pglite",
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    gateway: Object.freeze(gatewayConfig(e)),
  });
}
