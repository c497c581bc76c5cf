import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { loadConfig, type Config } from "../config/config.ts";
import { createLogger } from "../adapters/logging/logger.ts";
import { startPlatform, type Platform } from "../roles/platform.ts";
import type { EventBus } from "../adapters/bus/event-bus.ts";
import { startRole, type RunningRole } from "../roles/run-role.ts";
import type { ModuleDescriptor } from "../modules/module-descriptor.ts";
import { envPrefix } from "../modules/module-descriptor.ts";
import { moduleRegistry } from "../modules/registry.ts";
import { useMigratedMemoryTemplate } from "./memory-template.ts";

useMigratedMemoryTemplate();

export interface TestPlatform {
  platform: Platform;
  /** Every SQL statement sent since start (or since the last reset). */
  queries: string[];
  close(): Promise<void>;
}

/**
 * Each caller gets a database of its own: in-memory PGlite for `npm test`, or a fresh database on the
 * PostgreSQL server named by DB_CONNECTION_STRING (the CI tier), dropped again on close.
 */
async function isolatedConfig(
  overrides: Record<string, string> = {},
  modules: readonly ModuleDescriptor[] = moduleRegistry,
): Promise<{ config: Readonly<Config>; drop(): Promise<void> }> {
  // Content files of a test live in a directory of their own, made on the first upload, removed on close.
  const contentDir = join(tmpdir(), `cinemaabyss-content-${randomBytes(6).toString("hex")}`);
  // No idle grace on stop: a test's own idle connections would hold every stop for a keep-alive timeout.
  const base = loadConfig({ ...process.env, CONTENT_DATA_DIR: contentDir, SHUTDOWN_IDLE_GRACE_MS: "0", ...overrides, PGLITE_DATA_DIR: "memory://", SEED_ON_START: "false" }, modules);
  const removeContent = () => rm(contentDir, { recursive: true, force: true });
  if (base.database.kind !== "postgres") return { config: base, drop: removeContent };

  const serverUrl = base.database.url;
  const onServer = async (statement: string) => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  const name = `cinema_test_${randomBytes(6).toString("hex")}`;
  await onServer(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    config: Object.freeze({ ...base, database: { ...base.database, url: url.toString() } }),
    drop: async () => {
      await onServer(`drop database if exists ${name} with (force)`);
      await removeContent();
    },
  };
}

const silent = createLogger("silent");

/** A migrated platform with no servers: for port and route tests. */
export async function startTestPlatform(options: { bus?: EventBus; env?: Record<string, string> } = {}): Promise<TestPlatform> {
  const { config, drop } = await isolatedConfig(options.env);
  const queries: string[] = [];
  const platform = await startPlatform(config, silent, { onQuery: (sql) => queries.push(sql), ...(options.bus ? { bus: options.bus } : {}) });
  return {
    platform,
    queries,
    close: async () => {
      await platform.close();
      await drop();
    },
  };
}

/** Every listener of the platform on a free port. */
export function anyFreePorts(modules: readonly ModuleDescriptor[]): Record<string, string> {
  return { PORT: "0", MONOLITH_PORT: "0", GATEWAY_PORT: "0", ADMIN_PORT: "0", ...Object.fromEntries(modules.map((m) => [`${envPrefix(m.name)}_PORT`, "0"])) };
}

/**
 * A role listening on 127.0.0.1 on free ports: for tests over real HTTP. `modules` replaces the
 * registry (a test that adds a module of its own).
 */
export async function startTestRole(role: string, env: Record<string, string> = {}, modules: readonly ModuleDescriptor[] = moduleRegistry): Promise<RunningRole> {
  const { config, drop } = await isolatedConfig({ HOST: "127.0.0.1", ...anyFreePorts(modules), ...env }, modules);
  const running = await startRole(role, config, silent);
  return {
    ...running,
    stop: async () => {
      await running.stop();
      await drop();
    },
  };
}
