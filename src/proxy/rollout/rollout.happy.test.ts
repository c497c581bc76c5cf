import { afterEach, describe, expect, it } from "vitest";
import { idOf, keyedTraffic, movie, startRolloutGateway, waitFor, type RolloutGateway } from "../../testing/rollout-gateway.ts";

// Short intervals, real HTTP, scripted services: every decision here follows from counts, not clocks.
// The window is long and the minimums small so that a loaded machine (few requests a second) still
// gathers enough of them; nothing asserts how fast a step goes.
const analysis = { interval: "200ms", window: "5s", minRequests: 10, failureLimit: 2 };

describe("a rollout of a good service", () => {
  let gw: RolloutGateway | undefined;
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
  });

  it("is promoted 0 -> 100 % through shadow and every step, no client request failing and no keyed caller moving back", async () => {
    gw = await startRolloutGateway((r) => ({ body: movie(idOf(r.path)) }), (r) => ({ body: movie(idOf(r.path)) }));
    const traffic = keyedTraffic(gw.url, 6);
    try {
      const started = await gw.admin.call("PUT", "/admin/routes/movies/rollout", {
        steps: [{ shadow: true, percent: 0, duration: "300ms" }, { percent: 10, duration: 300 }, { percent: 50, duration: "300ms" }, { percent: 100 }],
        // Both scripted targets are equally fast; a machine loaded by other suites must not make
        // their p99s look apart (the latency check has a test of its own).
        analysis: { ...analysis, maxP99Ratio: 4, minP99DeltaMs: 200 },
      });
      expect(started.status).toBe(201);
      expect(started.json).toMatchObject({ state: "progressing", step: 0, percent: 0, reason: "rollout started" });

      const seenSteps = new Set<number>();
      const done = await waitFor(
        () => gw!.admin.rollout(),
        (r) => {
          seenSteps.add(r.step);
          if (process.env.DEBUG_ROLLOUT) console.log(JSON.stringify({ state: r.state, step: r.step, percent: r.percent, reason: r.reason, last: r.lastAnalysis }));
          return r.state !== "progressing";
        },
        100_000,
      );
      expect(done).toMatchObject({ state: "promoted", step: 3, percent: 100 });
      expect(done.lastAnalysis.outcome).toBe("pass");
      // Every step was recorded, oldest last, each with who moved it and why.
      expect(done.history.map((h: { percent: number }) => h.percent)).toEqual([100, 50, 10, 0]);
      expect(done.history[0]).toMatchObject({ gradual: false, by: expect.stringContaining("rollout-analysis"), reason: expect.stringContaining("promoted") });
      expect(done.history.at(-1)).toMatchObject({ by: "admin-api", reason: "step 0: rollout started" });
      const routes = await gw.admin.call("GET", "/admin/routes");
      expect(routes.json.routes.find((r: { name: string }) => r.name === "movies")).toMatchObject({ percent: 100, gradual: false });
      // The shadow step compared real requests and found nothing.
      const diff = (await gw.admin.call("GET", "/admin/routes/movies/diff")).json;
      expect(diff.compared).toBeGreaterThanOrEqual(10);
      expect(diff.mismatched).toBe(0);
      const metrics = await gw.admin.metrics();
      expect(metrics).toContain('gateway_rollout_state{route="movies",state="promoted"} 1');
      expect(metrics).toContain('gateway_rollout_state{route="movies",state="progressing"} 0');
      expect(metrics).toContain('gateway_rollout_step{route="movies"} 3');
      expect(metrics).toMatch(/gateway_shadow_compared_total\{route="movies"\} [1-9]/);
      expect(metrics).toMatch(/gateway_rollout_analysis_total\{route="movies",outcome="pass"\} [1-9]/);
    } finally {
      await traffic.stop();
    }
    expect(traffic.sent).toBeGreaterThan(100);
    expect(traffic.failed).toEqual([]);
    expect(traffic.movedBack).toEqual([]);
  }, 120_000);
});
