import { afterEach, describe, expect, it } from "vitest";
import { idOf, keyedTraffic, movie, startRolloutGateway, waitFor, type RolloutGateway } from "../../testing/rollout-gateway.ts";

const analysis = { interval: "200ms", window: "5s", minRequests: 10, failureLimit: 2 };
const good = (r: { path: string }) => ({ body: movie(idOf(r.path)) });
const percentSteps = { steps: [{ percent: 20, duration: "1h" }, { percent: 100 }], analysis };

/** Runs keyed traffic through a rollout until it leaves "progressing"; returns the final rollout and the traffic. */
async function rolloutUntilDecided(gw: RolloutGateway, plan: unknown, shadowPercent?: number) {
  if (shadowPercent !== undefined) expect((await gw.admin.call("PUT", "/admin/routes/movies/shadow", { percent: shadowPercent })).status).toBe(200);
  const traffic = keyedTraffic(gw.url, 6);
  try {
    expect((await gw.admin.call("PUT", "/admin/routes/movies/rollout", plan)).status).toBe(201);
    const done = await waitFor(() => gw.admin.rollout(), (r) => r.state !== "progressing", 100_000);
    return { done, traffic };
  } finally {
    await traffic.stop();
  }
}

describe("a rollout of a bad service is rolled back automatically, naming the check", () => {
  let gw: RolloutGateway | undefined;
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
  });

  it("rolls back a service answering 5xx to 5 % of requests: success-rate", async () => {
    // Every 20th real request fails; the client still gets the legacy answer (GET falls back).
    gw = await startRolloutGateway(good, (r) => (r.n % 20 === 0 ? { status: 503, body: { error: "boom" } } : good(r)));
    const { done, traffic } = await rolloutUntilDecided(gw, percentSteps, 0);
    expect(done).toMatchObject({ state: "rolled-back", percent: 0 });
    expect(done.reason).toMatch(/^rolled back after 2 failing analyses in a row: success-rate: service error rate 0\.\d+ vs legacy 0\.000/);
    const failed = done.lastAnalysis.checks.find((c: { name: string }) => c.name === "success-rate");
    expect(failed).toMatchObject({ outcome: "fail", numbers: { legacyErrors: 0 } });
    expect(failed.numbers.serviceErrors).toBeGreaterThan(0);
    expect(done.history[0]).toMatchObject({ percent: 0, gradual: true, reason: done.reason });
    expect(traffic.failed).toEqual([]);
    expect(await gw.admin.metrics()).toMatch(/gateway_rollout_rollbacks_total\{route="movies",check="success-rate"\} 1/);
  }, 120_000);

  it("rolls back a service 300 ms slower: p99-latency", async () => {
    gw = await startRolloutGateway(good, (r) => ({ ...good(r), delayMs: 300 }));
    const { done, traffic } = await rolloutUntilDecided(gw, percentSteps, 0);
    expect(done).toMatchObject({ state: "rolled-back", percent: 0 });
    expect(done.reason).toMatch(/p99-latency: service p99 \d+\.\d ms vs legacy \d+\.\d ms \(ratio/);
    expect(done.reason).not.toContain("success-rate");
    expect(traffic.failed).toEqual([]);
  }, 120_000);

  it("rolls back a service whose body differs in one field, in the shadow step: shadow-mismatch", async () => {
    gw = await startRolloutGateway(good, (r) => ({ body: { ...movie(idOf(r.path)), rating: 5 } }));
    const { done, traffic } = await rolloutUntilDecided(gw, { steps: [{ shadow: true, percent: 0, duration: "1h" }, { percent: 100 }], analysis });
    expect(done).toMatchObject({ state: "rolled-back", step: 0, percent: 0 });
    expect(done.reason).toMatch(/shadow-mismatch: mismatch rate beyond noise 1\.0000 \(\d+ of \d+\) > 0\.001/);
    const diff = (await gw.admin.call("GET", "/admin/routes/movies/diff")).json;
    expect(diff.topMismatches[0]).toMatchObject({ path: "$.rating", examples: expect.arrayContaining([{ legacy: 8.3, service: 5 }]) });
    expect(diff.mismatched).toBe(diff.compared);
    // The clients never saw the service: it only had shadow copies.
    expect(traffic.failed).toEqual([]);
    expect(gw.service.seen.every((r) => r.shadow)).toBe(true);
  }, 120_000);

  it("rolls back when the service is killed mid-rollout, with zero failed GETs", async () => {
    gw = await startRolloutGateway(good, good, { BREAKER_BASE_EJECTION_MS: "60000" });
    expect((await gw.admin.call("PUT", "/admin/routes/movies/shadow", { percent: 0 })).status).toBe(200);
    const traffic = keyedTraffic(gw.url, 6);
    try {
      expect((await gw.admin.call("PUT", "/admin/routes/movies/rollout", { steps: [{ percent: 10, duration: 0 }, { percent: 50, duration: "1h" }, { percent: 100 }], analysis })).status).toBe(201);
      await waitFor(() => gw!.admin.rollout(), (r) => r.step === 1, 100_000);
      await gw.service.kill();
      const done = await waitFor(() => gw!.admin.rollout(), (r) => r.state !== "progressing", 100_000);
      expect(done).toMatchObject({ state: "rolled-back", step: 1, percent: 0 });
      expect(done.reason).toMatch(/success-rate: service error rate [01]\.\d{3} vs legacy 0\.000/);
    } finally {
      await traffic.stop();
    }
    expect(traffic.failed).toEqual([]);
  }, 120_000);
});
