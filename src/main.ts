import { pathToFileURL } from "node:url";
import { ConfigError, loadConfig } from "./config/config.ts";
import { createLogger } from "./adapters/logging/logger.ts";
import { DatabaseUnreachable } from "./adapters/db/postgres-reachable.ts";
import { StartupError } from "./adapters/db/startup-error.ts";
import { startPlatform } from "./roles/platform.ts";
import { rolesOf } from "./roles/roles.ts";
import { moduleRegistry } from "./modules/registry.ts";
import { startRole } from "./roles/run-role.ts";
import { seedIfEmpty } from "./seed/seed.ts";

const commands = ["migrate", "seed"] as const;

/** Entry of every role and command: `node dist/<role>.mjs`, or `tsx src/main.ts <role|migrate|seed>`. */
export async function main(what: string): Promise<void> {
  let config;
  try {
    // The composition root is the only reader of process.env.
    config = loadConfig(process.env, moduleRegistry);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel, { role: what });

  if (what === "migrate" || what === "seed") {
    const platform = await startPlatform({ ...config, seedOnStart: false, outboxRelay: false }, log, { reach: { log } });
    if (what === "seed") await seedIfEmpty(platform.container, log);
    else log.info({ database: platform.database.kind }, "migrations applied");
    await platform.close();
    return;
  }
  const roles = rolesOf(config);
  if (!Object.hasOwn(roles, what)) {
    process.stderr.write(`Unknown role or command '${what}'. Roles: ${Object.keys(roles).join(", ")}; commands: ${commands.join(", ")}\n`);
    process.exit(2);
  }

  const running = await startRole(what, config, log, { reach: { log } });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: finishing in-flight requests");
    running.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

// Set by build.mjs in each role's bundle; absent when run from source.
declare const __DEFAULT_ROLE__: string | undefined;
const defaultRole = typeof __DEFAULT_ROLE__ === "string" ? __DEFAULT_ROLE__ : "all-in-one";

// Run when this file is the entry: `tsx src/main.ts <role|command>` or `node dist/<role>.mjs [command]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv[2] ?? defaultRole).catch((error: unknown) => {
    process.stderr.write(`${startupFailure(error, process.env)}\n`);
    process.exit(1);
  });
}

/**
 * One line naming the variable and the cause for a failure the environment explains (the operator
 * fixes a value, not code); the stack for anything else, which is a bug to report.
 */
export function startupFailure(error: unknown, env: Record<string, string | undefined>): string {
  if (error instanceof DatabaseUnreachable) {
    // The same precedence as the configuration: DB_CONNECTION_STRING wins over its alias.
    const variable = env.DB_CONNECTION_STRING?.trim() ? "DB_CONNECTION_STRING" : "DATABASE_URL";
    return `${variable}: ${error.message}`;
  }
  if (error instanceof StartupError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
