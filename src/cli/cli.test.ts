import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenOnLoopback } from "../testing/listen-on-loopback.ts";
import { countBy, sendMany } from "../testing/http-load.ts";
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";
import type { RouteRow } from "./routes-command.ts";
import type { RolloutStatus } from "./rollout-view.ts";
import { RolloutPlan } from "../proxy/rollout/rollout-plan.ts";

const dir = mkdtempSync(join(tmpdir(), "cinemaabyss-cli-"));
const bundle = join(dir, "cli.mjs");
let g: TestGateway;

beforeAll(async () => {
  // The binary as build.mjs makes it, run as its own process: what an operator types.
  await build({
    entryPoints: ["src/cli/cinemaabyss.ts"],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // As in build.mjs: commander is CommonJS and requires Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: "error",
  });
  g = await startTestGateway();
});
afterAll(async () => {
  await g?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bundle, ...args],
      { env: { PATH: process.env.PATH ?? "", CINEMAABYSS_ADMIN_URL: g.adminUrl, CINEMAABYSS_ADMIN_TOKEN: ADMIN_TOKEN, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe("cinemaabyss routes", () => {
  it("prints the route table, and the same rows as JSON with --json", async () => {
    await Promise.all(Array.from({ length: 5 }, () => fetch(`${g.url}/api/movies`).then((r) => r.arrayBuffer())));
    const table = await cli(["routes"]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^ROUTE +LEGACY +SERVICE +PERCENT +GRADUAL +BREAKERS +RPS LEGACY/);
    expect(table.stdout).toMatch(/\nmovies +monolith +movies-service +0% +yes +monolith:closed movies-service:closed/);

    const json = await cli(["--json", "routes"]);
    const movies = (JSON.parse(json.stdout) as RouteRow[]).find((r) => r.route === "movies")!;
    expect(movies).toMatchObject({ legacy: "monolith", service: "movies-service", percent: 0, gradual: true });
    expect(movies.legacyRates.rps).toBeGreaterThan(0);
  });

  it("sets a percent and finishes a route, which the gateway then applies", async () => {
    const set = await cli(["routes", "set", "movies", "100"]);
    expect(set).toMatchObject({ code: 0, stdout: "movies: 100% to movies-service\n" });
    expect((await fetch(`${g.url}/api/movies`)).headers.get("x-served-by")).toBe("movies-service");
    expect(await cli(["routes", "finish", "movies"])).toMatchObject({ code: 0, stdout: "movies: finished: all traffic to movies-service\n" });
    expect(await cli(["routes", "set", "movies", "0"])).toMatchObject({ code: 0 });
    expect((await fetch(`${g.url}/api/movies`)).headers.get("x-served-by")).toBe("monolith");
  });

  it("says what went wrong, with exit 1 for a refusal and 2 for a usage error", async () => {
    const unknown = await cli(["routes", "set", "nope", "5"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("route 'nope' not found");
    const badToken = await cli(["routes"], { CINEMAABYSS_ADMIN_TOKEN: "wrong" });
    expect(badToken).toMatchObject({ code: 1 });
    expect(badToken.stderr).toContain("refused the token (401)");
    const away = await cli(["routes", "--admin-url", "http://127.0.0.1:9"]);
    expect(away.code).toBe(1);
    expect(away.stderr).toContain("cannot reach the admin API at http://127.0.0.1:9");
    expect((await cli(["routes", "set", "movies", "101"])).code).toBe(2);
    expect((await cli(["routes", "set", "movies"])).code).toBe(2);
    expect((await cli(["nonsense"])).code).toBe(2);
    expect((await cli(["routes"], { CINEMAABYSS_ADMIN_TOKEN: "" })).code).toBe(2);
  });
});

describe("cinemaabyss rollout, on the gateway's rollout API", () => {
  it("starts a rollout, follows it to promotion, and aborts another back to 0 %", async () => {
    const start = await cli(["rollout", "start", "movies", "--steps", "10,100", "--step-duration", "1h"]);
    expect(start.stderr).toBe("");
    expect(start.code).toBe(0);
    expect(start.stdout).toContain("movies: progressing, step 1/2, 10% to the service");
    const watching = cli(["rollout", "status", "movies", "--watch", "--interval", "50", "--timeout", "20000"]);
    await new Promise((r) => setTimeout(r, 500));
    expect((await cli(["rollout", "promote", "movies"])).code).toBe(0);
    const watched = await watching;
    expect(watched.code).toBe(0);
    // The state changes at once; the weight follows within a tick (with a database store, every replica applies it).
    expect(watched.stdout).toMatch(/movies progressing step=0 percent=10 .*\n.*movies promoted step=1 percent=\d+ reason="promoted/s);

    expect((await cli(["routes", "set", "movies", "0"])).code).toBe(0);
    expect((await cli(["rollout", "start", "movies", "--steps", "50,100", "--step-duration", "1h"])).code).toBe(0);
    const aborted = await cli(["rollout", "abort", "movies"]);
    expect(aborted).toMatchObject({ code: 0 });
    expect(aborted.stdout).toContain("movies: aborted");
    const statusJson = async () => {
      const status = await cli(["--json", "rollout", "status", "movies"]);
      expect(status.code).toBe(1);
      return JSON.parse(status.stdout) as RolloutStatus;
    };
    await expect.poll(statusJson, { timeout: 10_000, interval: 250 }).toMatchObject({ state: "aborted", percent: 0 });
    expect(countBy(await sendMany(10, 5, () => fetch(`${g.url}/api/movies`)))).toEqual({ monolith: 10 });
  });
});

describe("cinemaabyss rollout status --watch", () => {
  // An admin API that plays a scripted rollout, one state per poll.
  async function scriptedRollout(states: RolloutStatus[]): Promise<{ url: string; server: Server }> {
    let poll = 0;
    const server = createServer((req, res) => {
      const status = states[Math.min(poll++, states.length - 1)];
      res.writeHead(req.headers.authorization === `Bearer ${ADMIN_TOKEN}` ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify(status));
    });
    const port = await listenOnLoopback(server, 0);
    return { url: `http://127.0.0.1:${port}`, server };
  }
  const plan = RolloutPlan.parse({ steps: [{ percent: 10, duration: "1s" }, { percent: 50, duration: "1s" }, { percent: 100 }] });
  const at = (state: RolloutStatus["state"], step: number, percent: number, more: Partial<RolloutStatus> = {}): RolloutStatus => ({
    state,
    step,
    percent,
    plan,
    lastAnalysis: null,
    reason: null,
    history: [],
    ...more,
  });

  it("prints a line per change when piped and ends with 0 when the rollout is promoted", async () => {
    const { url, server } = await scriptedRollout([
      at("progressing", 0, 10),
      at("progressing", 0, 10),
      at("progressing", 1, 50),
      at("promoted", 2, 100),
    ]);
    try {
      const run = await cli(["rollout", "status", "movies", "--watch", "--interval", "20", "--timeout", "10000"], { CINEMAABYSS_ADMIN_URL: url });
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split("\n").map((l) => l.replace(/^\S+ /, ""))).toEqual([
        "movies progressing step=0 percent=10",
        "movies progressing step=1 percent=50",
        "movies promoted step=2 percent=100",
      ]);
    } finally {
      server.close();
    }
  });

  it("ends with 1 and the reason when the rollout is rolled back", async () => {
    const { url, server } = await scriptedRollout([
      at("progressing", 1, 50),
      at("rolled-back", 1, 0, { reason: "p99 check failed: service 420 ms > legacy 120 ms × 1.5" }),
    ]);
    try {
      const run = await cli(["rollout", "status", "movies", "--watch", "--interval", "20", "--timeout", "10000"], { CINEMAABYSS_ADMIN_URL: url });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('rolled-back step=1 percent=0 reason="p99 check failed');
    } finally {
      server.close();
    }
  });

  it("shows one rollout with its plan and progress without --watch", async () => {
    const { url, server } = await scriptedRollout([
      at("paused", 1, 50, {
        lastAnalysis: { at: "2026-11-26T14:00:00.000Z", outcome: "pass", checks: [{ name: "p99-latency", outcome: "pass", detail: "service p99 120 ms vs legacy 110 ms", numbers: {} }] },
        history: [{ at: "2026-11-26T13:59:00.000Z", percent: 50, gradual: true, by: "rollout", reason: "step 2 of 3" }],
      }),
    ]);
    try {
      const run = await cli(["rollout", "status", "movies"], { CINEMAABYSS_ADMIN_URL: url });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("movies: paused, step 2/3, 50% to the service");
      expect(run.stdout).toContain("10% → [50%] → 100%");
      expect(run.stdout).toContain("last analysis: pass at 2026-11-26T14:00:00.000Z: p99-latency pass (service p99 120 ms vs legacy 110 ms)");
      expect(run.stdout).toContain("2026-11-26T13:59:00.000Z 50% by rollout: step 2 of 3");
    } finally {
      server.close();
    }
  });
});
