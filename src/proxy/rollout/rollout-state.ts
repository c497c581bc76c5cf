import { z } from "zod";
import { AppError } from "../../contracts/app-error.ts";
import type { Analysis } from "./rollout-analysis.ts";
import { ROLLOUT_SHADOW_PERCENT, type RolloutPlan, type ShadowSettings } from "./rollout-plan.ts";

export const ROLLOUT_STATES = ["idle", "progressing", "paused", "promoted", "rolled-back", "aborted"] as const;
export type RolloutStateName = (typeof ROLLOUT_STATES)[number];

/** A route's rollout as stored (JSON in gateway.rollouts). Plans and analyses were validated when made. */
export const RolloutRecord = z.object({
  route: z.string(),
  state: z.enum(ROLLOUT_STATES),
  step: z.number(),
  /** The weight this record holds the route at; undefined while idle (the route table decides). */
  percent: z.number().optional(),
  gradual: z.boolean(),
  plan: z.custom<RolloutPlan>().nullable(),
  lastAnalysis: z.custom<Analysis>().nullable(),
  reason: z.string().nullable(),
  /** Failing analyses in a row. */
  failures: z.number(),
  stepStartedAt: z.number(),
  lastAnalysisAt: z.number(),
  shadow: z.custom<ShadowSettings>().nullable(),
  /** When the shadow report was last reset: every replica empties its counters when this changes. */
  diffResetAt: z.number().default(0),
});
export type RolloutRecord = z.infer<typeof RolloutRecord>;

/** A weight change to record in the history and apply on every replica. */
export interface WeightChange {
  percent: number;
  gradual: boolean;
  by: string;
  reason: string;
}

export interface Transition {
  record: RolloutRecord;
  change?: WeightChange;
}

export const RUNNING: readonly RolloutStateName[] = ["progressing", "paused"];

export const idleRecord = (route: string): RolloutRecord => ({
  route,
  state: "idle",
  step: 0,
  gradual: true,
  plan: null,
  lastAnalysis: null,
  reason: null,
  failures: 0,
  stepStartedAt: 0,
  lastAnalysisAt: 0,
  shadow: null,
  diffResetAt: 0,
});

/** The shadow settings in force: the route's own, else a full shadow while a rollout runs. */
export function effectiveShadow(r: RolloutRecord): ShadowSettings | undefined {
  if (r.shadow) return r.shadow;
  if (!RUNNING.includes(r.state)) return undefined;
  return { percent: ROLLOUT_SHADOW_PERCENT, compareHeaders: [], ignorePaths: [], redact: ["email", "password", "token", "authorization", "phone"] };
}

function atStep(r: RolloutRecord, plan: RolloutPlan, step: number, now: number, by: string, why: string): Transition {
  const last = step === plan.steps.length - 1;
  const percent = plan.steps[step]!.percent;
  const record: RolloutRecord = {
    ...r,
    plan,
    state: last ? "promoted" : "progressing",
    step,
    percent,
    gradual: !last,
    failures: 0,
    stepStartedAt: now,
    lastAnalysisAt: now,
    reason: last ? `promoted: ${why}` : why,
  };
  return { record, change: { percent, gradual: !last, by, reason: last ? `promoted: ${why}` : `step ${step}: ${why}` } };
}

/** Starts a plan at its first step; 409 while one runs. */
export function start(r: RolloutRecord, plan: RolloutPlan, now: number, by: string): Transition {
  if (RUNNING.includes(r.state)) throw AppError.conflict(`route '${r.route}' has a rollout ${r.state}; abort it first`);
  return atStep({ ...r, lastAnalysis: null }, plan, 0, now, by, "rollout started");
}

/** The leader's move after one analysis: roll back, hold, or go to the next step. */
export function afterAnalysis(r: RolloutRecord, analysis: Analysis, stepRequests: number, now: number, by: string): Transition {
  const plan = r.plan!;
  const step = plan.steps[r.step]!;
  const base: RolloutRecord = { ...r, lastAnalysis: analysis, lastAnalysisAt: now };
  if (analysis.outcome === "fail") {
    const failures = r.failures + 1;
    if (failures < plan.analysis.failureLimit) return { record: { ...base, failures } };
    const failed = analysis.checks.filter((c) => c.outcome === "fail");
    const reason = `rolled back after ${failures} failing analyses in a row: ${failed.map((c) => `${c.name}: ${c.detail}`).join("; ")}`;
    return { record: { ...base, failures, state: "rolled-back", percent: 0, gradual: true, reason }, change: { percent: 0, gradual: true, by, reason } };
  }
  if (analysis.outcome === "inconclusive") return { record: base };
  const needed = step.minRequests ?? plan.analysis.minRequests;
  const held = now - r.stepStartedAt;
  if (held < step.duration || stepRequests < needed) return { record: { ...base, failures: 0 } };
  return atStep(base, plan, r.step + 1, now, by, `analysis passed for ${Math.round(held / 1000)}s with ${stepRequests} requests at step ${r.step}`);
}

/** Manual promote: the next step now, whatever the analysis says. */
export function promote(r: RolloutRecord, now: number, by: string): Transition {
  if (!RUNNING.includes(r.state)) throw AppError.conflict(`route '${r.route}' has no rollout running (state ${r.state})`);
  return atStep(r, r.plan!, r.step + 1, now, by, "promoted by hand");
}

export function pause(r: RolloutRecord, by: string, why = `paused by ${by}`): Transition {
  if (r.state !== "progressing") throw AppError.conflict(`route '${r.route}' has no rollout progressing (state ${r.state})`);
  return { record: { ...r, state: "paused", reason: why } };
}

/** Resume re-applies the step's percent and starts its duration again. */
export function resume(r: RolloutRecord, now: number, by: string): Transition {
  if (r.state !== "paused") throw AppError.conflict(`route '${r.route}' has no paused rollout (state ${r.state})`);
  const t = atStep(r, r.plan!, r.step, now, by, `resumed by ${by}`);
  return t;
}

export function abort(r: RolloutRecord, by: string): Transition {
  if (!RUNNING.includes(r.state)) throw AppError.conflict(`route '${r.route}' has no rollout running (state ${r.state})`);
  const reason = `aborted by ${by}`;
  return { record: { ...r, state: "aborted", percent: 0, gradual: true, reason }, change: { percent: 0, gradual: true, by, reason } };
}

/** A weight set by hand (route file, admin API): a running rollout pauses and the record keeps that weight. */
export function manualWeight(r: RolloutRecord, percent: number, gradual: boolean, by: string): Transition | undefined {
  if (r.state === "idle") return undefined;
  if (r.percent === percent && r.gradual === gradual) return undefined;
  const reason = `weight set to ${percent}%${gradual ? "" : " (gradual off)"} by ${by}`;
  const state = r.state === "progressing" ? "paused" : r.state;
  return {
    record: { ...r, state, percent, gradual, reason: state === "paused" && r.state === "progressing" ? `paused: ${reason}` : r.reason },
    change: { percent, gradual, by, reason },
  };
}
