// The rollout's JSON as GET /admin/routes/{name}/rollout gives it (issue 15's admin API).
export interface RolloutStep {
  shadow?: boolean;
  percent: number;
  duration?: string | number;
}

export interface RolloutStatus {
  state: "idle" | "progressing" | "paused" | "promoted" | "rolled-back" | "aborted";
  step: number;
  percent: number;
  plan?: { steps: RolloutStep[]; analysis?: Record<string, unknown> } | null;
  lastAnalysis?: Record<string, unknown> | null;
  reason?: string | null;
  history?: Record<string, unknown>[];
}

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

const stepName = (s: RolloutStep) => (s.shadow ? `shadow${s.percent ? ` +${s.percent}%` : ""}` : `${s.percent}%`);

// One level of the analysis object, as "name=value" pairs: the numbers the decision was made on.
function analysisText(analysis: Record<string, unknown>): string {
  return Object.entries(analysis)
    .map(([k, v]) => `${k}=${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join("  ");
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
  return `${lines.join("\n")}\n`;
}

/** One line per change, for a pipe or a log. */
export function rolloutLine(route: string, status: RolloutStatus): string {
  return `${new Date().toISOString()} ${route} ${status.state} step=${status.step} percent=${status.percent}${status.reason ? ` reason=${JSON.stringify(status.reason)}` : ""}\n`;
}
