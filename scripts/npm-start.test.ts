import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, describe, expect, it } from "vitest";

// `npm start` builds and then runs the all-in-one bundle. npm forwards SIGTERM and SIGINT to its
// direct child only, which is `sh -c "<script>"`; sh dies of the signal and a server started as
// sh's child lives on, orphaned. The script therefore ends in `exec node ...`, so the server IS
// npm's child and receives the signal itself. This test holds that in place.

// A copy of the project, so this build's dist/ cannot race the other suites that rebuild dist/.
const project = mkdtempSync(join(tmpdir(), "cinemaabyss-npm-start-"));
for (const path of ["package.json", "build.mjs", "tsconfig.json", "src", "drizzle"]) cpSync(path, join(project, path), { recursive: true });
symlinkSync(resolve("node_modules"), join(project, "node_modules"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  HOST: "127.0.0.1",
  PGLITE_DATA_DIR: "memory://",
  LOG_LEVEL: "info",
  ...Object.fromEntries(["ADMIN", "GATEWAY", "MONOLITH", "MOVIES", "EVENTS", "USERS", "PAYMENTS", "AUTH"].map((name) => [`${name}_PORT`, "0"])),
};

/** What this file started, so that afterEach stops it by pid whatever failed. */
const running: { npm?: ChildProcess; serverPid?: number } = {};

/** Runs `npm start` and resolves with the server's pid and ports once it logged its four listeners. */
function npmStart(): Promise<{ serverPid: number; ports: number[] }> {
  const npm = spawn("npm", ["start"], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
  running.npm = npm;
  let stderr = "";
  npm.stderr!.on("data", (chunk) => (stderr += chunk));
  const ports: number[] = [];
  return new Promise((resolve, reject) => {
    npm.once("exit", (code) => reject(new Error(`npm start exited with ${code} before listening: ${stderr}`)));
    createInterface({ input: npm.stdout! }).on("line", (line) => {
      // npm's banner and the build's sizes come first; the server's lines are JSON with its pid.
      if (!line.startsWith("{")) return;
      const entry = JSON.parse(line) as { msg: string; port: number; pid: number };
      running.serverPid = entry.pid;
      if (entry.msg !== "listening") return;
      ports.push(entry.port);
      if (ports.length === 4) resolve({ serverPid: entry.pid, ports });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");

describe.runIf(process.platform === "linux")("npm start", () => {
  afterEach(() => {
    const { npm, serverPid } = running;
    if (npm && npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
    if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, "SIGKILL");
  });

  it("runs plain `node dist/all-in-one.mjs` as npm's child, and a SIGTERM to npm leaves no server behind", async () => {
    const { serverPid, ports } = await npmStart();
    const npm = running.npm!;
    expect(commandOf(serverPid)).toBe("node dist/all-in-one.mjs");
    const parent = parentOf(serverPid);

    const npmExited = new Promise<number | null>((r) => npm.once("exit", (code) => r(code)));
    npm.kill("SIGTERM");
    const npmCode = await npmExited;
    expect(await waitUntil(() => !alive(serverPid), 10_000), `server ${serverPid} still running after npm exited`).toBe(true);
    for (const port of ports) expect(await refuses(port), `port ${port} still answers`).toBe(true);
    // The server stopped by itself (exit 0), and npm passed its code on.
    expect(npmCode).toBe(0);
    expect(parent, "the server is npm's own child, not a shell's").toBe(npm.pid);
  }, 90_000);
});
