import type { Config } from "../config/config.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import { listen, type Listening } from "./listen.ts";
import { RoleMetrics } from "../adapters/metrics/role-metrics.ts";
import { startPlatform, type Platform, type PlatformOptions } from "./platform.ts";
import { rolesOf, type Listener, type Role } from "./roles.ts";

export interface RunningRole {
  /** Undefined for a role without a database (the gateway). */
  platform: Platform | undefined;
  ports: Listening["ports"];
  /** Graceful stop: no new connections, in-flight requests finish, then the database closes. */
  stop(): Promise<void>;
}

/** Starts a role's platform and servers; the caller decides when to stop (signals, tests). */
export async function startRole(role: string, config: Readonly<Config>, log: Logger, options: PlatformOptions = {}): Promise<RunningRole> {
  const roles = rolesOf(config);
  if (!Object.hasOwn(roles, role)) throw new Error(`unknown role '${role}'; roles: ${Object.keys(roles).join(", ")}`);
  const spec: Role = roles[role]!;
  const metrics = options.metrics ?? new RoleMetrics();
  const platform = spec.usesDatabase ? await startPlatform(config, log, { owns: spec.owns ?? [], ...options, metrics }) : undefined;
  const closePlatform = async () => platform?.close();
  let listeners: Listener[] = [];
  let listening: Listening;
  try {
    listeners = spec.listeners({ config, log, platform, metrics });
    listening = await listen(listeners, config.host, config.serverTimeouts, log).catch(async (error) => {
      await Promise.all(listeners.map((l) => l.close?.()));
      throw error;
    });
  } catch (error) {
    await closePlatform();
    throw error;
  }
  return {
    platform,
    ports: listening.ports,
    stop: async () => {
      // The hand-over runs beside the servers' drain, not before it: from the stop's first moment
      // every reply says Connection: close, however long the hand-over takes.
      await Promise.all([drained(listeners, Math.min(HAND_OVER_MS, config.shutdownTimeoutMs), log), listening.close(config.shutdownTimeoutMs)]);
      await Promise.all(listeners.map((l) => l.close?.()));
      await closePlatform();
    },
  };
}

// A tick's few statements: a hand-over stuck on a dead database must not hold the stop.
const HAND_OVER_MS = 2_000;

async function drained(listeners: Listener[], timeoutMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn({ timeoutMs }, "the hand-over at stop took too long; stopping anyway");
      resolve();
    }, timeoutMs);
  });
  await Promise.race([Promise.all(listeners.map((l) => l.drain?.().catch((error: Error) => log.warn({ listener: l.name, err: error.message }, "the hand-over at stop failed")))), late]).finally(() => clearTimeout(timer));
}
