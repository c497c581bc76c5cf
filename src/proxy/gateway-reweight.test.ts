import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoutesReport, TrafficReport } from "./control/admin-routes.ts";
import { countBy, sendMany } from "../testing/http-load.ts";
import { expectError } from "../testing/expect-reply.ts";
import { readReply } from "../testing/reply.ts";
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

const dir = mkdtempSync(join(tmpdir(), "cinemaabyss-gateway-"));
const file = join(dir, "routes.yaml");
// Like a ConfigMap update: write a new file beside it and swap it in whole.
const writeRoutes = (text: string) => {
  writeFileSync(`${file}.next`, text);
  renameSync(`${file}.next`, file);
};

let g: TestGateway;
beforeAll(async () => {
  writeRoutes("routes:\n  movies:\n    percent: 0\n");
  g = await startTestGateway({ GATEWAY_CONFIG: file });
});
afterAll(async () => {
  await g.stop();
  rmSync(dir, { recursive: true, force: true });
});

const getMovies = () => fetch(`${g.url}/api/movies`);
const admin = (method: string, path: string, token = ADMIN_TOKEN, body?: string) =>
  fetch(`${g.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body ? { body } : {}) });

/** Sends load while `change` runs, then until the split reaches `expectedTarget` only; returns every result. */
async function loadDuring(change: () => Promise<void>, expectedTarget: string) {
  const results: Awaited<ReturnType<typeof sendMany>> = [];
  let done = false;
  const load = (async () => {
    while (!done) results.push(...(await sendMany(20, 10, () => getMovies())));
  })();
  await change();
  const deadline = Date.now() + 2_000;
  let settled = false;
  while (!settled && Date.now() < deadline) {
    settled = countBy(await sendMany(20, 10, () => getMovies()))[expectedTarget] === 20;
    if (!settled) await new Promise((r) => setTimeout(r, 50));
  }
  done = true;
  await load;
  return { results, settled, settledInMs: 2_000 - (deadline - Date.now()) };
}

describe("re-weighting at run time", () => {
  it("loads the watched file at start", async () => {
    const report = (await (await admin("GET", "/admin/routes")).json()) as RoutesReport;
    expect(report.routes.find((r) => r.name === "movies")).toMatchObject({ percent: 0, service: "movies-service", legacy: "monolith" });
  });

  it("shifts the split by the admin API with zero failed requests during the change", async () => {
    const { results, settled } = await loadDuring(async () => {
      const res = await g.reweight("movies", { percent: 100 });
      expect(await res.json()).toMatchObject({ name: "movies", percent: 100, gradual: true });
    }, "movies-service");
    expect(settled).toBe(true);
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
  });

  it("shifts the split by a config file edit within 2 s with zero failed requests", async () => {
    const { results, settled, settledInMs } = await loadDuring(async () => writeRoutes("routes:\n  movies: { percent: 0 }\n"), "monolith");
    expect(settled, `not applied after ${settledInMs} ms`).toBe(true);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
  });

  it("takes JSON in the file too", async () => {
    const { settled } = await loadDuring(async () => writeRoutes('{"routes": {"movies": {"percent": 100}}}'), "movies-service");
    expect(settled).toBe(true);
  });

  it.each([
    ["broken YAML", "routes: [unclosed"],
    ["a percent over 100", "routes:\n  movies: { percent: 150 }\n"],
    ["an unknown route", "routes:\n  popcorn: { percent: 10 }\n"],
    ["a split on a route with no service", "routes:\n  users: { percent: 10 }\n"],
  ])("refuses %s in the file and keeps the last good table", async (_what, text) => {
    writeRoutes(text);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(countBy(await sendMany(50, 10, () => getMovies()))).toEqual({ "movies-service": 50 });
  });

  it("refuses the admin API without the right bearer token", async () => {
    expect((await fetch(`${g.adminUrl}/admin/routes`)).status).toBe(401);
    expectError(await readReply(await admin("PUT", "/admin/routes/movies", "not-the-token-at-all", '{"percent":0}')), 401, "UNAUTHORIZED");
    expect(countBy(await sendMany(20, 10, () => getMovies()))).toEqual({ "movies-service": 20 });
  });

  it.each([
    ['{"percent": 101}', 400, "percent: must be from 0 to 100"],
    ['{"percent": 12.5}', 400, "percent: must be a whole number"],
    ['{"percent": "50"}', 400, "percent: must be a number"],
    ["{}", 400, "give percent, gradual or both"],
    ['{"percent": 5, "weight": 3}', 400, "weight"],
    ["not json", 400, "body: must be valid JSON"],
  ])("answers a bad admin body %s with %i and changes nothing", async (body, status, message) => {
    expectError(await readReply(await admin("PUT", "/admin/routes/movies", ADMIN_TOKEN, body)), status, "INVALID_INPUT", expect.stringContaining(message));
    expect(countBy(await sendMany(20, 10, () => getMovies()))).toEqual({ "movies-service": 20 });
  });

  it("answers 404 for an unknown route and 400 for a split of a route with no service", async () => {
    const popcorn = await admin("PUT", "/admin/routes/popcorn", ADMIN_TOKEN, '{"percent":1}');
    expectError(await readReply(popcorn), 404, "NOT_FOUND", expect.stringContaining("route 'popcorn' not found"));
    const users = await admin("PUT", "/admin/routes/users", ADMIN_TOKEN, '{"percent":1}');
    expectError(await readReply(users), 400, "INVALID_INPUT", expect.stringContaining("USERS_SERVICE_URL"));
  });

  it("reports live counts per target and breaker states", async () => {
    const report = (await (await admin("GET", "/admin/routes")).json()) as RoutesReport;
    const movies = report.targets.find((t) => t.name === "movies-service");
    expect(movies).toMatchObject({ address: g.movies.url, breaker: "closed", inFlight: 0 });
    expect(movies?.requests).toBeGreaterThan(100);
    expect(report.routes.map((r) => r.name)).toEqual(["auth", "events", "movies", "payments", "users"]);
  });
});

describe("GRADUAL_MIGRATION=false", () => {
  it("finishes the routes that have a service and leaves the others re-weightable", async () => {
    const finished = await startTestGateway({ GRADUAL_MIGRATION: "false" });
    try {
      expect(countBy(await sendMany(20, 5, () => fetch(`${finished.url}/api/movies`)))).toEqual({ "movies-service": 20 });
      // users has no service here: a finished migration means nothing for it, and a change must still apply.
      expect((await finished.reweight("users", { percent: 0 })).status).toBe(200);
      expect(countBy(await sendMany(20, 5, () => fetch(`${finished.url}/api/users`)))).toEqual({ monolith: 20 });
    } finally {
      await finished.stop();
    }
  });
});

describe("the admin listener", () => {
  it("is apart from the public port: there, /admin/routes and /metrics answer 404 whatever the token", async () => {
    for (const path of ["/admin/routes", "/metrics"]) {
      const res = await fetch(`${g.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expectError(await readReply(res), 404, "NOT_FOUND", `no route for GET ${path}`);
    }
    expect((await admin("GET", "/admin/routes")).status).toBe(200);
    expect((await fetch(`${g.adminUrl}/metrics`)).status).toBe(200);
  });

  it("has no admin API without ADMIN_TOKEN, only /metrics", async () => {
    const bare = await startTestGateway({ ADMIN_TOKEN: "" });
    try {
      const res = await fetch(`${bare.adminUrl}/admin/routes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expectError(await readReply(res), 404, "NOT_FOUND", "no route for GET /admin/routes");
      expect((await fetch(`${bare.adminUrl}/metrics`)).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });

  it("reports each route's recent traffic per side, what the dashboard and the CLI chart", async () => {
    await g.reweight("movies", { percent: 0 });
    await sendMany(7, 7, () => getMovies());
    const report = (await (await admin("GET", "/admin/traffic?seconds=60")).json()) as TrafficReport;
    const legacy = report.series.find((s) => s.route === "movies" && s.side === "legacy")!;
    expect(legacy.target).toBe("monolith");
    expect(legacy.points.length).toBeGreaterThanOrEqual(12);
    expect(legacy.points.reduce((sum, p) => sum + p.requests, 0)).toBeGreaterThanOrEqual(7);
    expect(legacy.points.at(-1)!.p99 ?? legacy.points.at(-2)!.p99).toBeGreaterThan(0);
    expect((await admin("GET", "/admin/traffic?seconds=0")).status).toBe(400);
    expect((await admin("GET", "/admin/traffic", "wrong-token")).status).toBe(401);
  });
});
