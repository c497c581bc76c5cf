import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

// Checks the Dockerfile with dockerfilelint and the compose file with docker-compose's own
// validation (Debian's docker-compose; no engine needed). Run by `npm run test:chart`.
const scratch = mkdtempSync(join(tmpdir(), "cinemaabyss-container-files-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const lint = (file: string) => spawnSync("npx", ["dockerfilelint", "--output", "json", file], { encoding: "utf8" });
const composeSecrets = { POSTGRES_PASSWORD: "p4Xq9vTz", AUTH_JWT_KEYS: "c1:Zq8v3WnL0pR6tY2uK9mB4xC7dF1gH5jS", ADMIN_TOKEN: "" };
const composeConfig = (file: string, env: Record<string, string> = composeSecrets) =>
  spawnSync("docker-compose", ["-f", file, "config", "-q"], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });

describe("Dockerfile", () => {
  it("has no lint issues, and the linter does find them in a bad one", () => {
    const ours = JSON.parse(lint("Dockerfile").stdout);
    expect(ours.files[0].issues).toEqual([]);
    const bad = join(scratch, "Dockerfile");
    writeFileSync(bad, "FROM node:20\nRUN sudo apt-get install -y curl\n");
    expect(JSON.parse(lint(bad).stdout).files[0].issues.length).toBeGreaterThan(0);
  });

  it("builds any role from one argument and runs it as the unprivileged user", () => {
    const text = readFileSync("Dockerfile", "utf8");
    expect(text).toMatch(/^ARG ROLE=all-in-one$/m);
    expect(text).toMatch(/^COPY --from=build \/app\/dist\/\$\{ROLE\}\.mjs \.\/app\.mjs$/m);
    expect(text).toMatch(/^USER node$/m);
    expect(text.match(/^FROM /gm)).toHaveLength(2);
  });
});

describe("the runtime stage's layout", () => {
  it("runs a role from app.mjs, drizzle/ and the dependencies dist/package.json lists, with no source tree", async () => {
    // What the Dockerfile's runtime stage copies, laid out in a folder: no registry image needed.
    expect(spawnSync("node", ["build.mjs"], { encoding: "utf8" }).status).toBe(0);
    const app = join(scratch, "app");
    cpSync("dist/drizzle", join(app, "drizzle"), { recursive: true });
    cpSync("dist/package.json", join(app, "package.json"));
    cpSync("dist/movies.mjs", join(app, "app.mjs"));
    const install = spawnSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund"], { cwd: app, encoding: "utf8" });
    expect(install.status, install.stderr).toBe(0);
    const child = spawn("node", ["app.mjs"], { cwd: app, env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", PGLITE_DATA_DIR: "memory://" } });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
        createInterface({ input: child.stdout }).on("line", (line) => {
          const entry = JSON.parse(line);
          if (entry.msg === "listening") resolve(entry.port);
        });
      });
      const res = await fetch(`http://127.0.0.1:${port}/api/movies/health`);
      expect(await res.json()).toEqual({ status: true });
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    }
  }, 120_000);
});

describe("docker-compose.yml", () => {
  it("is a valid compose file, and the validator refuses a bad one", () => {
    const ours = composeConfig("docker-compose.yml");
    expect(ours.status, ours.stderr).toBe(0);
    const bad = join(scratch, "compose.yml");
    writeFileSync(bad, "services:\n  x:\n    image: a\n    bogus: true\n");
    expect(composeConfig(bad).status).not.toBe(0);
  });

  it("ships no secret: without them in the environment or .env it refuses to run, naming the command that writes them", () => {
    const bare = composeConfig("docker-compose.yml", {});
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain("run scripts/compose-env.sh");
    expect(readFileSync("docker-compose.yml", "utf8")).not.toMatch(/PASSWORD: cinemaabyss|:cinemaabyss@/);
  });

  it("runs every role on the legacy ports with health checks, after the migrations", () => {
    const compose = parseYaml(readFileSync("docker-compose.yml", "utf8"), { merge: true });
    const services = compose.services;
    expect(services["proxy-service"].ports).toEqual(["8000:8000", "127.0.0.1:9901:9901"]);
    // Behind the gateway, on the host's loopback only: nobody reaches a role around the gateway.
    expect(services.monolith.ports).toEqual(["127.0.0.1:8080:8080"]);
    expect(services["movies-service"].ports).toEqual(["127.0.0.1:8081:8081"]);
    expect(services["events-service"].ports).toEqual(["127.0.0.1:8082:8082"]);
    for (const name of ["monolith", "movies-service", "events-service", "proxy-service", "postgres", "kafka"]) expect(services[name].healthcheck, name).toBeDefined();
    for (const name of ["monolith", "movies-service", "events-service"]) {
      expect(services[name].depends_on.migrate).toEqual({ condition: "service_completed_successfully" });
    }
    expect(services.migrate.command).toEqual(["migrate"]);
    expect(services["proxy-service"].environment).toMatchObject({ GRADUAL_MIGRATION: "true", MOVIES_MIGRATION_PERCENT: "50" });
  });
});
