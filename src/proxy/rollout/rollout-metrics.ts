import { Counter, Gauge, type Registry } from "prom-client";
import type { Analysis } from "./rollout-analysis.ts";
import { ROLLOUT_STATES, type RolloutRecord } from "./rollout-state.ts";
import type { summed } from "./window-counter.ts";

const checkValue = { pass: 1, fail: 0, inconclusive: -1, skipped: -2 } as const;

/** What the rollouts decided and why, for Prometheus; registered in the gateway's registry. */
export class RolloutMetrics {
  private readonly state: Gauge<"route" | "state">;
  private readonly step: Gauge<"route">;
  private readonly compared: Counter<"route">;
  private readonly mismatched: Counter<"route">;
  private readonly dropped: Counter<"route">;
  private readonly analyses: Counter<"route" | "outcome">;
  private readonly checks: Gauge<"route" | "check">;
  private readonly inputs: Gauge<"route" | "side" | "input">;
  private readonly rollbacks: Counter<"route" | "check">;
  private readonly leader: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.state = new Gauge({ name: "gateway_rollout_state", help: "1 for the route's current rollout state, 0 for the others", labelNames: ["route", "state"], registers });
    this.step = new Gauge({ name: "gateway_rollout_step", help: "Index of the rollout step the route is at (0 is the first)", labelNames: ["route"], registers });
    this.compared = new Counter({ name: "gateway_shadow_compared_total", help: "Shadow comparisons made on this replica", labelNames: ["route"], registers });
    this.mismatched = new Counter({ name: "gateway_shadow_mismatched_total", help: "Shadow comparisons that differed beyond the learned noise", labelNames: ["route"], registers });
    this.dropped = new Counter({ name: "gateway_shadow_dropped_total", help: "Shadow copies not sent because the shadow's concurrency was full", labelNames: ["route"], registers });
    this.analyses = new Counter({ name: "gateway_rollout_analysis_total", help: "Analyses run by the leader, by outcome (pass, fail, inconclusive)", labelNames: ["route", "outcome"], registers });
    this.checks = new Gauge({ name: "gateway_rollout_check", help: "The last analysis per check: 1 pass, 0 fail, -1 inconclusive, -2 skipped", labelNames: ["route", "check"], registers });
    this.inputs = new Gauge({
      name: "gateway_rollout_analysis_input",
      help: "The last analysis's inputs per side: requests, errors, error_rate, p99_ms over the window",
      labelNames: ["route", "side", "input"],
      registers,
    });
    this.rollbacks = new Counter({ name: "gateway_rollout_rollbacks_total", help: "Automatic rollbacks, by the check that failed", labelNames: ["route", "check"], registers });
    this.leader = new Gauge({ name: "gateway_rollout_leader", help: "1 while this replica runs the analyses and moves the weights", registers });
  }

  record(r: RolloutRecord): void {
    for (const s of ROLLOUT_STATES) this.state.set({ route: r.route, state: s }, s === r.state ? 1 : 0);
    this.step.set({ route: r.route }, r.step);
  }

  shadowCompared(route: string, mismatched: boolean): void {
    this.compared.inc({ route });
    if (mismatched) this.mismatched.inc({ route });
  }

  shadowDropped(route: string): void {
    this.dropped.inc({ route });
  }

  analysed(route: string, analysis: Analysis, window: ReturnType<typeof summed>, p99: { service: number; legacy: number }): void {
    this.analyses.inc({ route, outcome: analysis.outcome });
    for (const c of analysis.checks) this.checks.set({ route, check: c.name }, checkValue[c.outcome]);
    for (const side of ["service", "legacy"] as const) {
      const w = window[side];
      this.inputs.set({ route, side, input: "requests" }, w.requests);
      this.inputs.set({ route, side, input: "errors" }, w.errors);
      this.inputs.set({ route, side, input: "error_rate" }, w.requests > 0 ? w.errors / w.requests : 0);
      this.inputs.set({ route, side, input: "p99_ms" }, p99[side]);
    }
    this.inputs.set({ route, side: "shadow", input: "compared" }, window.shadow.compared);
    this.inputs.set({ route, side: "shadow", input: "mismatched" }, window.shadow.mismatched);
  }

  rolledBack(route: string, analysis: Analysis): void {
    for (const c of analysis.checks) if (c.outcome === "fail") this.rollbacks.inc({ route, check: c.name });
  }

  leading(yes: boolean): void {
    this.leader.set(yes ? 1 : 0);
  }
}
