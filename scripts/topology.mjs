#!/usr/bin/env node
// The split topology as separate OS processes from the bundles in dist/: monolith (8080), movies
// service (8081), events service (8082), a payments-only service (8084) that reaches users in the
// monolith remotely, and the gateway (8000) in front. PostgreSQL and Kafka come from the wrappers:
//
//   npm run topology                      start everything; Ctrl-C stops everything
//   npm run topology -- vitest run X      start, run the command against it (E2E_* URLs set), stop
//
// Ports: GATEWAY_PORT, MONOLITH_PORT, MOVIES_PORT, EVENTS_PORT, PAYMENTS_PORT. The gateway takes
// GRADUAL_MIGRATION and MOVIES_MIGRATION_PERCENT from this environment. SIGUSR2 restarts any
// role process that has died (the end-to-end suite kills one and brings it back this way).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";

const env = process.env;
if (!env.DB_CONNECTION_STRING || !env.KAFKA_BROKERS) {
  console.error("DB_CONNECTION_STRING and KAFKA_BROKERS must be set: run it as `npm run topology`");
  process.exit(2);
}
const port = (name, fallback) => Number(env[name] ?? fallback);
const ports = {
  gateway: port("GATEWAY_PORT", 8000),
  monolith: port("MONOLITH_PORT", 8080),
  movies: port("MOVIES_PORT", 8081),
  events: port("EVENTS_PORT", 8082),
  payments: port("PAYMENTS_PORT", 8084),
  admin: port("ADMIN_PORT", 9901),
};
const url = (name) => `http://127.0.0.1:${ports[name]}`;
// One signing key for the whole topology: the gateway verifies what the monolith's auth module signs.
const jwtKeys = env.AUTH_JWT_KEYS ?? `topology:${randomBytes(32).toString("base64url")}`;
// ADMIN_PORT 0: every role has an admin listener; only the gateway's is at a known port here.
// TRUSTED_PROXY_HOPS: the roles sit behind the gateway, as in docker-compose.yml (the gateway reads none).
const shared = { PATH: env.PATH, HOST: "127.0.0.1", ADMIN_PORT: "0", DB_CONNECTION_STRING: env.DB_CONNECTION_STRING, KAFKA_BROKERS: env.KAFKA_BROKERS, AUTH_JWT_KEYS: jwtKeys, LOG_LEVEL: env.LOG_LEVEL ?? "info", TRUSTED_PROXY_HOPS: "1" };

// Each process gets only what it needs: the environment is the placement.
const processes = {
  monolith: { role: "monolith", health: "/health", env: { PORT: ports.monolith } },
  movies: { role: "movies", health: "/api/movies/health", env: { PORT: ports.movies } },
  events: { role: "events", health: "/api/events/health", env: { PORT: ports.events } },
  payments: { role: "payments", health: "/health", env: { PORT: ports.payments, USERS_SERVICE_URL: url("monolith") } },
  gateway: {
    role: "proxy",
    health: "/health",
    env: {
      PORT: ports.gateway,
      ADMIN_PORT: ports.admin,
      MONOLITH_URL: url("monolith"),
      MOVIES_SERVICE_URL: url("movies"),
      EVENTS_SERVICE_URL: url("events"),
      GRADUAL_MIGRATION: env.GRADUAL_MIGRATION ?? "true",
      MOVIES_MIGRATION_PERCENT: env.MOVIES_MIGRATION_PERCENT ?? "50",
      ...(env.ADMIN_TOKEN ? { ADMIN_TOKEN: env.ADMIN_TOKEN } : {}),
      // Eject a dead target for a short while, so a restarted one gets traffic back quickly.
      BREAKER_BASE_EJECTION_MS: env.BREAKER_BASE_EJECTION_MS ?? "1000",
    },
  },
};

const running = new Map();
let stopping = false;

function start(name) {
  const spec = processes[name];
  const child = spawn("node", [`dist/${spec.role}.mjs`], { env: { ...shared, ...spec.env }, stdio: ["ignore", "pipe", "pipe"] });
  running.set(name, child);
  // Prefix each process's JSON lines with its name, so the interleaved log reads.
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on("line", (line) => process.stderr.write(`[${name}] ${line}\n`));
  child.on("exit", (code, signal) => {
    if (!stopping) process.stderr.write(`[topology] ${name} (pid ${child.pid}) exited: ${signal ?? code}\n`);
  });
  return child;
}

async function ready(name, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const target = `${url(name)}${processes[name].health}`;
  while (Date.now() < deadline) {
    if (running.get(name)?.exitCode !== null) throw new Error(`${name} exited during start`);
    try {
      if ((await fetch(target)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} not ready at ${target} after ${timeoutMs} ms`);
}

async function stopAll() {
  stopping = true;
  await Promise.all(
    [...running.values()].map(
      (child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : (child.once("exit", resolve), child.kill("SIGTERM")))),
    ),
  );
}

process.on("SIGUSR2", async () => {
  for (const [name, child] of running) {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.stderr.write(`[topology] restarting ${name}\n`);
      start(name);
      await ready(name).catch((error) => process.stderr.write(`[topology] ${error.message}\n`));
    }
  }
});

let exitCode = 0;
try {
  // The monolith first: it migrates the database; the others find it migrated (and wait on the lock if not).
  start("monolith");
  await ready("monolith");
  for (const name of ["movies", "events", "payments"]) start(name);
  await Promise.all(["movies", "events", "payments"].map((name) => ready(name)));
  start("gateway");
  await ready("gateway");
  const urls = Object.fromEntries(Object.keys(ports).map((name) => [name, url(name)]));
  const pids = Object.fromEntries([...running].map(([name, child]) => [name, child.pid]));
  process.stderr.write(`[topology] ready ${JSON.stringify({ urls, pids })}\n`);

  const command = process.argv.slice(2);
  if (command.length > 0) {
    const child = spawn(command[0], command.slice(1), {
      stdio: "inherit",
      env: {
        ...env,
        E2E_TOPOLOGY: "split",
        E2E_GATEWAY_URL: urls.gateway,
        E2E_MONOLITH_URL: urls.monolith,
        E2E_MOVIES_URL: urls.movies,
        E2E_EVENTS_URL: urls.events,
        E2E_PAYMENTS_URL: urls.payments,
        E2E_TOPOLOGY_PID: String(process.pid),
        E2E_PIDS: JSON.stringify(pids),
        E2E_MOVIES_MIGRATION_PERCENT: processes.gateway.env.MOVIES_MIGRATION_PERCENT,
      },
    });
    exitCode = await new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } else {
    process.stderr.write("[topology] Ctrl-C to stop\n");
    await new Promise((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
  }
} catch (error) {
  process.stderr.write(`[topology] ${error.stack ?? error}\n`);
  exitCode = 1;
} finally {
  await stopAll();
}
process.exit(exitCode);
