import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { AdminClient, CliFailure } from "./admin-client.ts";
import type { Output } from "./output.ts";
import { renderRollout, rolloutEnded, rolloutLine, type RolloutStatus } from "./rollout-view.ts";

const DURATION = /^\d+(ms|s|m|h)?$/;

export interface StartOptions {
  plan?: string;
  steps?: string;
  stepDuration?: string;
  shadow?: string;
}

/** The plan to PUT: from a file (JSON or YAML), or from --steps with one duration per step. */
export function planFrom(options: StartOptions): unknown {
  if (options.plan) {
    if (options.steps) throw new CliFailure("give --plan or --steps, not both", 2);
    let text: string;
    try {
      text = readFileSync(options.plan, "utf8");
    } catch (error) {
      throw new CliFailure(`cannot read the plan ${options.plan}: ${error instanceof Error ? error.message : String(error)}`, 2);
    }
    try {
      return parseYaml(text);
    } catch (error) {
      throw new CliFailure(`the plan ${options.plan} is neither JSON nor YAML: ${error instanceof Error ? error.message : String(error)}`, 2);
    }
  }
  const percents = (options.steps ?? "1,5,25,50,100").split(",").map((s) => s.trim());
  if (percents.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 100)) throw new CliFailure(`--steps must be a comma list of percents from 0 to 100, not '${options.steps}'`, 2);
  const duration = options.stepDuration ?? "5m";
  for (const d of [duration, options.shadow]) {
    if (d !== undefined && !DURATION.test(d)) throw new CliFailure(`a duration is a number with ms, s, m or h (e.g. 30s, 5m), not '${d}'`, 2);
  }
  // The last step is where the rollout ends: it needs no duration.
  const steps = percents.map((p, i) => (i === percents.length - 1 ? { percent: Number(p) } : { percent: Number(p), duration }));
  return { steps: options.shadow ? [{ shadow: true, percent: 0, duration: options.shadow }, ...steps] : steps };
}

const rolloutPath = (route: string) => `/admin/routes/${encodeURIComponent(route)}/rollout`;

export async function startRollout(admin: AdminClient, out: Output, route: string, options: StartOptions): Promise<void> {
  const status = await admin.put<RolloutStatus>(rolloutPath(route), planFrom(options));
  out.write(out.json ? `${JSON.stringify(status, null, 2)}\n` : renderRollout(route, status, out.tty));
}

export type RolloutAction = "promote" | "pause" | "resume" | "abort";

export async function actOnRollout(admin: AdminClient, out: Output, route: string, action: RolloutAction): Promise<void> {
  const status = await admin.post<RolloutStatus>(`${rolloutPath(route)}/${action}`);
  out.write(out.json ? `${JSON.stringify(status, null, 2)}\n` : renderRollout(route, status, out.tty));
}

export interface WatchOptions {
  watch: boolean;
  intervalMs: number;
  /** Stops a watch that has not ended by then (tests, scripts); unbounded for an operator. */
  timeoutMs?: number;
}

/**
 * Shows a rollout once, or with --watch until it ends: redrawn in place on a terminal, a plain line
 * per change when piped. Exit code 0 when it ended promoted (or is running, without --watch), 1 when
 * it was rolled back or aborted.
 */
export async function rolloutStatus(admin: AdminClient, out: Output, route: string, options: WatchOptions): Promise<number> {
  let status = await admin.get<RolloutStatus>(rolloutPath(route));
  if (!options.watch) {
    out.write(out.json ? `${JSON.stringify(status)}\n` : renderRollout(route, status, out.tty));
    return failedState(status) ? 1 : 0;
  }
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let shownLines = 0;
  let lastChange = "";
  for (;;) {
    if (out.tty && !out.json) {
      // Up over what was drawn last, clear to the end, draw again: a live view with no scrolling.
      const view = renderRollout(route, status, true);
      out.write(`${shownLines > 0 ? `\x1b[${shownLines}A\x1b[0J` : ""}${view}`);
      shownLines = view.split("\n").length - 1;
    } else {
      // Piped: a line only when the state, step, percent or reason moved.
      const change = JSON.stringify([status.state, status.step, status.percent, status.reason]);
      if (change !== lastChange) out.write(out.json ? `${JSON.stringify(status)}\n` : rolloutLine(route, status));
      lastChange = change;
    }
    if (rolloutEnded(status)) return failedState(status) ? 1 : 0;
    if (Date.now() >= deadline) throw new CliFailure(`the rollout of ${route} had not ended after ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    status = await admin.get<RolloutStatus>(rolloutPath(route));
  }
}

const failedState = (status: RolloutStatus) => status.state === "rolled-back" || status.state === "aborted";
