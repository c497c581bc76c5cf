import type { Analysis } from "../proxy/rollout/rollout-analysis.ts";
import type { RolloutReport } from "../proxy/rollout/rollout-controller.ts";
import type { RolloutStep } from "../proxy/rollout/rollout-plan.ts";

export type RolloutStatus = RolloutReport;

const ENDED = new Set(["idle", "promoted", "rolled-back", "aborted"]);

export function rolloutEnded(status: RolloutStatus): boolean {
  return ENDED.has(status.state);
}

const BAR_WIDTH = 30;

function bar(done: number, total: number, tty: boolean): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * BAR_WIDTH);
  const [full, empty] = tty ? ["█", "░"] : ["#", "."];
  return `${full.repeat(filled)}${empty.repeat(BAR_WIDTH - filled)}`;
}

const stepName = (s: Pick<RolloutStep, "shadow" | "percent">) => (s.shadow ? "shadow" : `${s.percent}%`);

/** The last analysis in one line: its outcome, then each check with the numbers it decided on. */
export function analysisText(analysis: Analysis): string {
  return `${analysis.outcome} at ${analysis.at}: ${analysis.checks.map((c) => `${c.name} ${c.outcome} (${c.detail})`).join("; ")}`;
}

/** The full view of one rollout: state, the plan with the current step marked, a progress bar, the last analysis. */
export function renderRollout(route: string, status: RolloutStatus, tty: boolean): string {
  const steps = status.plan?.steps ?? [];
  const lines = [`${route}: ${status.state}, step ${steps.length > 0 ? `${Math.min(status.step + 1, steps.length)}/${steps.length}` : "-"}, ${status.percent}% to the service`];
  if (steps.length > 0) {
    const done = status.state === "promoted" ? steps.length : status.step;
    lines.push(`  [${bar(done, steps.length, tty)}] ${steps.map((s, i) => (i === status.step && !rolloutEnded(status) ? `[${stepName(s)}]` : stepName(s))).join(" → ")}`);
  }
  if (status.reason) lines.push(`  reason: ${status.reason}`);
  if (status.lastAnalysis) lines.push(`  last analysis: ${analysisText(status.lastAnalysis)}`);
  for (const h of status.history.slice(0, 3)) lines.push(`  ${h.at} ${h.percent}% by ${h.by}: ${h.reason}`);
  return `${lines.join("\n")}\n`;
}

/** One line per change, for a pipe or a log. */
export function rolloutLine(route: string, status: RolloutStatus): string {
  return `${new Date().toISOString()} ${route} ${status.state} step=${status.step} percent=${status.percent}${status.reason ? ` reason=${JSON.stringify(status.reason)}` : ""}\n`;
}
