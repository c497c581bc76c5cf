import { describe, expect, it } from "vitest";
import { analyse, mannWhitneyZ, quantile, twoProportionZ, type WindowInput } from "./rollout-analysis.ts";
import { AnalysisSettings, RolloutPlan } from "./rollout-plan.ts";
import { afterAnalysis, idleRecord, manualWeight, start } from "./rollout-state.ts";

const settings = AnalysisSettings.parse({ minRequests: 50 });
const side = (requests: number, errors: number, latency: (i: number) => number) => ({ requests, errors, latencies: Array.from({ length: requests }, (_, i) => latency(i)) });
const window = (service: WindowInput["service"], legacy: WindowInput["legacy"], shadow = { compared: 0, mismatched: 0 }): WindowInput => ({ service, legacy, shadow });
const at = new Date("2026-01-01T00:00:00Z");
const outcome = (w: WindowInput, shadowStep = false) => Object.fromEntries(analyse(w, settings, shadowStep, at).checks.map((c) => [c.name, c.outcome]));

describe("analyse", () => {
  it("is inconclusive with too few service requests: it never promotes on no data", () => {
    expect(analyse(window(side(49, 0, () => 5), side(500, 0, () => 5)), settings, false, at).outcome).toBe("inconclusive");
  });

  it("fails the success rate only beyond the tolerance and beyond chance", () => {
    expect(outcome(window(side(200, 10, () => 5), side(800, 0, () => 5)))["success-rate"]).toBe("fail");
    // 1 error in 60 against a clean legacy is above 0.5 % but within chance (z < 1.645).
    expect(outcome(window(side(60, 1, () => 5), side(100, 0, () => 5)))["success-rate"]).toBe("pass");
    expect(outcome(window(side(200, 2, () => 5), side(800, 8, () => 5)))["success-rate"]).toBe("pass");
  });

  it("fails the p99 only when slower by the factor, by the absolute margin, and by rank", () => {
    expect(outcome(window(side(100, 0, (i) => 300 + (i % 7)), side(400, 0, (i) => 2 + (i % 5))))["p99-latency"]).toBe("fail");
    // 3 ms against 1.5 ms is twice as slow but within the 10 ms margin: machine noise, not a regression.
    expect(outcome(window(side(100, 0, () => 3), side(400, 0, () => 1.5)))["p99-latency"]).toBe("pass");
  });

  it("judges shadow mismatches in the shadow step, skipping real-traffic checks there", () => {
    expect(outcome(window(side(0, 0, () => 0), side(500, 0, () => 5), { compared: 60, mismatched: 1 }), true)).toEqual({
      "success-rate": "skipped",
      "p99-latency": "skipped",
      "shadow-mismatch": "fail",
    });
    expect(analyse(window(side(0, 0, () => 0), side(500, 0, () => 5), { compared: 10, mismatched: 0 }), settings, true, at).outcome).toBe("inconclusive");
  });

  it("computes its statistics", () => {
    expect(quantile([5, 1, 4, 2, 3], 0.99)).toBe(5);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(twoProportionZ(10, 100, 0, 100)).toBeCloseTo(3.244, 2);
    expect(mannWhitneyZ([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(mannWhitneyZ([10, 11, 12, 13, 14, 15], [1, 2, 3, 4, 5, 6])).toBeGreaterThan(2.5);
  });
});

describe("rollout transitions", () => {
  const plan = RolloutPlan.parse({ steps: [{ percent: 10, duration: 1000 }, { percent: 100 }], analysis: { failureLimit: 2, minRequests: 5 } });
  const pass = analyse(window(side(50, 0, () => 5), side(50, 0, () => 5)), plan.analysis, false, at);
  const fail = analyse(window(side(50, 25, () => 5), side(50, 0, () => 5)), plan.analysis, false, at);

  it("holds a passing step until its duration and minimum requests are met, then promotes", () => {
    const { record } = start(idleRecord("movies"), plan, 0, "admin-api");
    expect(afterAnalysis(record, pass, 100, 999, "leader").record.step).toBe(0);
    expect(afterAnalysis(record, pass, 4, 1000, "leader").record.step).toBe(0);
    const promoted = afterAnalysis(record, pass, 5, 1000, "leader");
    expect(promoted.record).toMatchObject({ state: "promoted", step: 1, percent: 100, gradual: false });
    expect(promoted.change).toMatchObject({ percent: 100, gradual: false, by: "leader" });
  });

  it("rolls back to 0 after failureLimit failures in a row; a pass in between resets the count", () => {
    const { record } = start(idleRecord("movies"), plan, 0, "admin-api");
    const once = afterAnalysis(record, fail, 50, 10, "leader").record;
    expect(once).toMatchObject({ state: "progressing", failures: 1 });
    expect(afterAnalysis(afterAnalysis(once, pass, 50, 20, "leader").record, fail, 50, 30, "leader").record.failures).toBe(1);
    const back = afterAnalysis(once, fail, 50, 20, "leader");
    expect(back.record).toMatchObject({ state: "rolled-back", percent: 0, gradual: true });
    expect(back.change?.reason).toMatch(/^rolled back after 2 failing analyses in a row: success-rate: service error rate 0\.500 vs legacy 0\.000/);
  });

  it("pauses on a manual weight only while progressing, and keeps the weight in the record", () => {
    const { record } = start(idleRecord("movies"), plan, 0, "admin-api");
    expect(manualWeight(record, 30, true, "route-file")?.record).toMatchObject({ state: "paused", percent: 30 });
    expect(manualWeight(idleRecord("movies"), 30, true, "route-file")).toBeUndefined();
    expect(manualWeight(record, 10, true, "route-file")).toBeUndefined();
  });
});
