import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { beforeAll, describe, expect, it } from "vitest";
import { moduleRegistry } from "../modules/registry.ts";
import { anyFreePorts } from "../testing/test-platform.ts";

// The bundles are what images run: build them, then start each one as plain `node dist/<role>.mjs`.
beforeAll(() => {
  execFileSync("node", ["build.mjs"], { stdio: "pipe" });
}, 120_000);

const baseEnv = { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", ADMIN_PORT: "0", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "info" };

const allPortsFree = anyFreePorts(moduleRegistry);

/** Starts a bundle and resolves with the ports it logged as listening. */
function startBundle(role: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; ports: Record<string, number> }> {
  const child = spawn("node", [`dist/${role}.mjs`], { env: { ...baseEnv, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const ports: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${role} exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const entry = JSON.parse(line);
      if (entry.msg === "listening") ports[entry.service] = entry.port;
      if (entry.msg === "listening" && Object.keys(ports).length === (role === "all-in-one" ? 3 + moduleRegistry.length : 2)) resolve({ child, ports });
    });
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("role bundles", () => {
  it.each([
    ["monolith", "monolith", "/api/users"],
    ["movies", "movies", "/api/movies"],
    ["all-in-one", "movies", "/api/movies/health"],
    ["proxy", "gateway", "/health"],
  ])("dist/%s.mjs serves its API and exits 0 on SIGTERM", async (role, listener, path) => {
    const { child, ports } = await startBundle(role, role === "all-in-one" ? allPortsFree : {});
    const res = await fetch(`http://127.0.0.1:${ports[listener]}${path}`);
    expect(res.status).toBe(200);
    const exited = exitCode(child);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("refuses a bad environment with exit code 2 and a message naming the variable", () => {
    let stderr = "";
    try {
      execFileSync("node", ["dist/monolith.mjs"], { env: { ...baseEnv, PORT: "eighty" }, stdio: "pipe" });
    } catch (error) {
      const failed = error as { status: number; stderr: Buffer };
      expect(failed.status).toBe(2);
      stderr = failed.stderr.toString();
    }
    expect(stderr).toContain("PORT: must be a port number");
  });
});
