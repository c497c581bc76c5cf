import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseUnreachable } from "./adapters/db/postgres-reachable.ts";
import { FakePostgres } from "./testing/fake-postgres.ts";
import { startupFailure } from "./main.ts";

// How a process that cannot start says so. Run from source with tsx (the same main.ts the bundles
// are built from), so these runs never race the suites that rebuild dist/.
const baseEnv = { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", ADMIN_PORT: "0", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "info" };

const children: ChildProcess[] = [];
const fakes: FakePostgres[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

function run(role: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", role], { env: { ...baseEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return child;
}

/** Runs a role to its end; resolves with its exit code and everything it wrote. */
function runToExit(role: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = run(role, env);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("startupFailure", () => {
  const unreachable = new DatabaseUnreachable("db:5432", "connection refused");

  it("names the variable that holds the database URL, with its alias' precedence", () => {
    expect(startupFailure(unreachable, { DB_CONNECTION_STRING: "postgres://x" })).toBe("DB_CONNECTION_STRING: cannot connect to db:5432 (connection refused)");
    expect(startupFailure(unreachable, { DATABASE_URL: "postgres://x", DB_CONNECTION_STRING: " " })).toBe("DATABASE_URL: cannot connect to db:5432 (connection refused)");
  });

  it("keeps the stack of an error nobody expected, which is a bug to report", () => {
    const bug = new TypeError("x is undefined");
    expect(startupFailure(bug, {})).toBe(bug.stack);
  });
});

describe("a process whose database cannot be reached", () => {
  it("refused password: one line naming the variable and the cause, exit 1, no retry, no password", async () => {
    const server = await new FakePostgres().start();
    fakes.push(server);
    server.mode = "wrong-password";
    const { code, stdout, stderr } = await runToExit("monolith", { DB_CONNECTION_STRING: server.url("app", "s3cret") });
    expect(code).toBe(1);
    expect(stderr).toBe(`DB_CONNECTION_STRING: cannot connect to 127.0.0.1:${new URL(server.url()).port} (password authentication failed for user "app")\n`);
    expect(stdout).not.toContain("retrying");
    expect(stdout + stderr).not.toContain("s3cret");
  });

  it("closed port: retries with a log line each time, then one line and exit 1", async () => {
    const { code, stdout, stderr } = await runToExit("monolith", { DB_CONNECTION_STRING: "postgres://app:s3cret@127.0.0.1:1/cinema", DB_CONNECT_RETRIES: "2" });
    expect(code).toBe(1);
    expect(stderr).toBe("DB_CONNECTION_STRING: cannot connect to 127.0.0.1:1 (connection refused)\n");
    const retries = stdout.split("\n").filter((line) => line.includes("database not reachable yet, retrying"));
    expect(retries).toHaveLength(2);
    expect(stdout + stderr).not.toContain("s3cret");
  }, 30_000);
});

describe("a process whose remote service is not up", () => {
  it("starts anyway, seeds what it holds, and answers for the remote's routes with 503 UNAVAILABLE", async () => {
    const child = run("monolith", { MOVIES_SERVICE_URL: "http://127.0.0.1:1" });
    const lines: { msg: string; port?: number; collection?: string }[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`exited with ${code}: ${JSON.stringify(lines)}`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const entry = JSON.parse(line);
        lines.push(entry);
        if (entry.msg === "listening") resolve(entry.port);
      });
    });
    expect(lines.find((l) => l.msg.startsWith("seed skipped"))?.collection).toBe("movies");
    const users = await fetch(`http://127.0.0.1:${port}/api/users`);
    expect(((await users.json()) as unknown[]).length).toBeGreaterThan(0);
    const movies = await fetch(`http://127.0.0.1:${port}/api/movies`);
    expect(movies.status).toBe(503);
    expect(await movies.json()).toMatchObject({ code: "UNAVAILABLE" });
  }, 30_000);
});
