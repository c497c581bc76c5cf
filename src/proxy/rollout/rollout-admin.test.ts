import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idOf, movie, startRolloutGateway, waitFor, type RolloutGateway } from "../../testing/rollout-gateway.ts";

const good = (r: { path: string }) => ({ body: movie(idOf(r.path)) });
// Analyses that never conclude (no traffic): only the admin moves these rollouts.
const held = { steps: [{ percent: 10, duration: "1h" }, { percent: 40, duration: "1h" }, { percent: 100 }], analysis: { interval: "30s" } };

describe("the rollout admin API", () => {
  let gw: RolloutGateway;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rollout-admin-"));
    file = join(dir, "routes.yaml");
    writeFileSync(file, "routes:\n  movies: { percent: 0 }\n");
    gw = await startRolloutGateway(good, good, { GATEWAY_CONFIG: file });
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers idle for a route that never had a rollout, and 404 for an unknown route", async () => {
    expect(await gw.admin.rollout()).toEqual({ state: "idle", step: 0, percent: 0, plan: null, lastAnalysis: null, reason: null, history: [] });
    expect((await gw.admin.call("GET", "/admin/routes/nope/rollout")).status).toBe(404);
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/explode")).status).toBe(404);
  });

  it("refuses a bad plan with 400 naming the field, and changes nothing", async () => {
    const cases: [unknown, string][] = [
      [{}, "steps: is required"],
      [{ steps: [{ percent: 50 }, { percent: 10 }, { percent: 100 }] }, "steps.1.percent: must not be below the step before it"],
      [{ steps: [{ percent: 50 }] }, "steps.0.percent: the last step must be 100"],
      [{ steps: [{ percent: 100, duration: "5 minutes" }] }, "steps.0.duration: must be a duration"],
      [{ steps: [{ shadow: true, percent: 5 }, { percent: 100 }] }, "steps.0.percent: a shadow step sends no real traffic"],
      [{ steps: [{ percent: 100 }], analysis: { maxP99Ratio: 0.5 } }, "analysis.maxP99Ratio: must be at least 1"],
      [{ steps: [{ percent: 100 }], analysis: { intervall: "30s" } }, "analysis: has unknown fields: intervall"],
    ];
    for (const [body, message] of cases) {
      const res = await gw.admin.call("PUT", "/admin/routes/movies/rollout", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error).toContain(message);
    }
    expect((await gw.admin.call("PUT", "/admin/routes/movies/shadow", { percent: 101 })).json.error).toContain("percent: must be from 0 to 100");
    expect((await gw.admin.rollout()).state).toBe("idle");
  });

  it("runs manual promote, pause, resume and abort, answering 409 where the state does not allow it", async () => {
    const started = await gw.admin.call("PUT", "/admin/routes/movies/rollout", held);
    expect(started.json).toMatchObject({ state: "progressing", step: 0, percent: 10, plan: { steps: [{ percent: 10, duration: 3_600_000, shadow: false }, {}, {}], analysis: { interval: 30_000, failureLimit: 3 } } });
    expect((await gw.admin.call("PUT", "/admin/routes/movies/rollout", held)).status).toBe(409);
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/resume")).status).toBe(409);
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/promote")).json).toMatchObject({ state: "progressing", step: 1, percent: 40 });
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/pause")).json).toMatchObject({ state: "paused", percent: 40, reason: "paused by admin-api" });
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/pause")).status).toBe(409);
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/resume")).json).toMatchObject({ state: "progressing", step: 1 });
    const aborted = (await gw.admin.call("POST", "/admin/routes/movies/rollout/abort")).json;
    expect(aborted).toMatchObject({ state: "aborted", percent: 0, reason: "aborted by admin-api" });
    expect(aborted.history.map((h: { percent: number; by: string }) => [h.percent, h.by])).toEqual([
      [0, "admin-api"],
      [40, "admin-api"],
      [40, "admin-api"],
      [10, "admin-api"],
    ]);
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/abort")).status).toBe(409);
  });

  it("pauses a running rollout when the admin API or the route file sets the weight by hand", async () => {
    expect((await gw.admin.call("PUT", "/admin/routes/movies/rollout", held)).status).toBe(201);
    await gw.admin.call("PUT", "/admin/routes/movies", { percent: 25 });
    const paused = await waitFor(() => gw.admin.rollout(), (r) => r.state === "paused");
    expect(paused).toMatchObject({ state: "paused", percent: 25, reason: "paused: weight set to 25% by admin-api" });
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/resume")).json).toMatchObject({ state: "progressing", percent: 10 });

    writeFileSync(file, "routes:\n  movies: { percent: 5 }\n");
    const byFile = await waitFor(() => gw.admin.rollout(), (r) => r.state === "paused", 10_000);
    expect(byFile).toMatchObject({ state: "paused", percent: 5, reason: "paused: weight set to 5% by route-file" });
    expect(byFile.history[0]).toMatchObject({ percent: 5, by: "route-file" });

    // An edit of another route leaves the rollout's route alone: not re-applied, not paused.
    expect((await gw.admin.call("POST", "/admin/routes/movies/rollout/resume")).json).toMatchObject({ state: "progressing", percent: 10 });
    writeFileSync(file, "routes:\n  movies: { percent: 5 }\n  users: { percent: 0 }\n");
    await waitFor(async () => (await gw.admin.call("GET", "/admin/routes")).json.routes.find((r: { name: string }) => r.name === "users"), Boolean);
    await new Promise((r) => setTimeout(r, 1_500)); // three polls of the file
    expect(await gw.admin.rollout()).toMatchObject({ state: "progressing", percent: 10 });
    await gw.admin.call("POST", "/admin/routes/movies/rollout/abort");
  });
});
