import uPlot from "uplot";
import type { RolloutReport } from "../../rollout/rollout-controller.ts";
import type { DiffReport } from "../../shadow/diff-report.ts";
import type { RouteDefinition } from "../../routing/route-table.ts";
import type { RouteDelivery } from "../dashboard-routes.ts";
import type { RouteSeries } from "./traffic-history.ts";
import { Unauthorized } from "./admin-api.ts";

export interface CardActions {
  act<T>(method: string, path: string, body?: unknown): Promise<T>;
  onUnauthorized(why: string): void;
}

const COLORS = { legacy: "#8a8f98", service: "#1f9d6b" };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const percentText = (n: number | null) => (n === null ? "–" : `${(n * 100).toFixed(1)}%`);

// Over the last minute of buckets: requests per second, share of errors, the worst bucket p99.
function lastMinute(points: RouteSeries["legacy"], bucketSeconds: number) {
  const recent = points.slice(-Math.max(1, Math.round(60 / bucketSeconds)));
  if (recent.length === 0) return { rps: 0, errorRate: null, p99: null };
  const requests = recent.reduce((sum, p) => sum + p.requests, 0);
  const errors = recent.reduce((sum, p) => sum + p.errors, 0);
  const p99s = recent.map((p) => p.p99).filter((p): p is number => p !== null);
  return { rps: requests / (recent.length * bucketSeconds), errorRate: requests > 0 ? errors / requests : null, p99: p99s.length > 0 ? Math.max(...p99s) : null };
}

/** One small time-series chart with a line per side. */
class SideChart {
  readonly element = el("figure", { class: "chart" });
  private readonly plot: uPlot;

  constructor(title: string, unit: string) {
    this.element.append(el("figcaption", {}, title));
    this.plot = new uPlot(
      {
        width: 320,
        height: 130,
        scales: { x: { time: true } },
        axes: [{ size: 28 }, { size: 64, values: (_u, ticks) => ticks.map((t) => `${+t.toFixed(2)}${unit}`) }],
        series: [{}, { label: "legacy", stroke: COLORS.legacy, width: 1.5 }, { label: "service", stroke: COLORS.service, width: 1.5 }],
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
      },
      [[], [], []],
      this.element,
    );
  }

  update(times: number[], legacy: (number | null)[], service: (number | null)[]): void {
    this.plot.setData([times, legacy, service]);
  }

  resize(width: number): void {
    this.plot.setSize({ width, height: 130 });
  }
}

/** A route's card: split and breakers, rates and charts per side, the rollout, the shadow diff, actions. */
export class RouteCard {
  readonly element: HTMLElement;
  private readonly summary = el("p", { class: "summary" });
  private readonly breakers = el("p", { class: "breakers" });
  private readonly rates = el("table", { class: "rates" });
  private readonly charts = {
    rate: new SideChart("requests/s", ""),
    errors: new SideChart("errors", "%"),
    p99: new SideChart("p99", " ms"),
  };
  private readonly percentInput = el("input", { type: "number", min: "0", max: "100", step: "1", "aria-label": "percent to the service" });
  private readonly rollout = el("section", { class: "rollout" });
  private readonly diff = el("section", { class: "diff" });
  private readonly message = el("p", { class: "message", role: "status" });
  private route: RouteDefinition | undefined;
  private readonly percentForm: HTMLFormElement;

  constructor(
    private readonly name: string,
    private readonly actions: CardActions,
  ) {
    const setButton = el("button", { type: "submit" }, "Set percent");
    const percentForm = el("form", { class: "percent-form" }, el("label", {}, "Percent to the service ", this.percentInput), setButton);
    percentForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.setPercent(Number(this.percentInput.value));
    });
    const legend = el("p", { class: "legend" }, el("span", { class: "legacy" }, "— legacy"), " ", el("span", { class: "service" }, "— service"));
    const chartBox = el("div", { class: "charts" }, legend, this.charts.rate.element, this.charts.errors.element, this.charts.p99.element);
    this.percentForm = percentForm;
    this.element = el(
      "article",
      { class: "route", "data-route": name, id: `route-${name}` },
      el("h2", {}, name),
      this.summary,
      this.breakers,
      this.rates,
      chartBox,
      percentForm,
      this.rollout,
      this.diff,
      this.message,
    );
    queueMicrotask(() => this.resize());
  }

  resize(): void {
    const width = Math.max(200, Math.min(360, this.element.clientWidth - 24));
    for (const chart of Object.values(this.charts)) chart.resize(width);
  }

  update(route: RouteDefinition, breakers: Map<string, string>, series: RouteSeries, delivery: RouteDelivery | undefined): void {
    this.route = route;
    const effective = route.service === undefined ? 0 : route.gradual ? route.percent : 100;
    this.element.dataset.percent = String(effective);
    this.summary.replaceChildren(
      el("span", { class: "percent", "data-testid": "percent" }, `${effective}%`),
      ` to ${route.service ?? "(no service yet)"}, the rest to ${route.legacy}`,
      route.gradual ? "" : " · migration finished",
    );
    if (document.activeElement !== this.percentInput) this.percentInput.value = String(route.percent);
    // A route with no service yet has nothing to shift.
    this.percentForm.hidden = route.service === undefined;

    this.breakers.replaceChildren(
      ...[route.legacy, ...(route.service ? [route.service] : [])].map((t) => el("span", { class: `breaker breaker-${breakers.get(t) ?? "unknown"}` }, `${t}: ${breakers.get(t) ?? "unknown"}`)),
    );

    const legacy = lastMinute(series.legacy, series.bucketSeconds);
    const service = lastMinute(series.service, series.bucketSeconds);
    this.element.dataset.rpsLegacy = legacy.rps.toFixed(2);
    this.element.dataset.rpsService = service.rps.toFixed(2);
    this.rates.replaceChildren(
      el("tr", {}, el("th", {}, "last minute"), el("th", {}, "req/s"), el("th", {}, "errors"), el("th", {}, "p99")),
      ...(
        [
          ["legacy", legacy],
          ["service", service],
        ] as const
      ).map(([side, r]) => el("tr", { class: side }, el("td", {}, side), el("td", { "data-testid": `rps-${side}` }, r.rps.toFixed(1)), el("td", {}, percentText(r.errorRate)), el("td", {}, r.p99 === null ? "–" : `${r.p99} ms`))),
    );

    const perSecond = (p: { requests: number }) => p.requests / series.bucketSeconds;
    const errorPercent = (p: { requests: number; errors: number }) => (p.requests > 0 ? (p.errors / p.requests) * 100 : null);
    this.charts.rate.update(series.times, series.legacy.map(perSecond), series.service.map(perSecond));
    this.charts.errors.update(series.times, series.legacy.map(errorPercent), series.service.map(errorPercent));
    this.charts.p99.update(series.times, series.legacy.map((p) => p.p99), series.service.map((p) => p.p99));

    this.renderRollout(delivery?.rollout);
    this.renderDiff(delivery?.diff);
  }

  private renderRollout(status: RolloutReport | undefined): void {
    if (!this.route?.service) return void this.rollout.replaceChildren();
    const steps = status?.plan?.steps ?? [];
    const state = status?.state ?? "idle";
    this.rollout.dataset.state = state;
    const running = state === "progressing" || state === "paused";
    const button = (label: string, action: string, enabled: boolean) => {
      const b = el("button", { type: "button", "data-action": action }, label);
      b.disabled = !enabled;
      b.addEventListener("click", () => void this.rolloutAction(action));
      return b;
    };
    const stepsInput = el("input", { type: "text", value: "1,5,25,50,100", "aria-label": "rollout steps (percents)", size: "14" });
    const durationInput = el("input", { type: "text", value: "5m", "aria-label": "duration of each step", size: "4" });
    const start = el("form", { class: "rollout-start" }, el("label", {}, "Steps ", stepsInput), el("label", {}, " each ", durationInput), el("button", { type: "submit" }, "Start rollout"));
    start.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.startRollout(stepsInput.value, durationInput.value);
    });
    const done = state === "promoted" ? steps.length : (status?.step ?? 0);
    this.rollout.replaceChildren(
      el("h3", {}, "Rollout ", el("span", { class: `state state-${state}`, "data-testid": "rollout-state" }, state)),
      ...(steps.length > 0
        ? [
            el("progress", { max: String(steps.length), value: String(done) }),
            el("ol", { class: "steps" }, ...steps.map((s, i) => el("li", { class: i === status?.step && running ? "current" : i < done ? "done" : "" }, s.shadow ? "shadow" : `${s.percent}%`))),
          ]
        : []),
      ...(status?.reason ? [el("p", { class: "reason" }, `Reason: ${status.reason}`)] : []),
      ...(status?.lastAnalysis
        ? [
            el(
              "ul",
              { class: "analysis" },
              el("li", {}, `Last analysis (${new Date(status.lastAnalysis.at).toLocaleTimeString()}): ${status.lastAnalysis.outcome}`),
              ...status.lastAnalysis.checks.map((check) => el("li", { class: `check-${check.outcome}` }, `${check.name}: ${check.outcome} — ${check.detail}`)),
            ),
          ]
        : []),
      ...(status?.history.length ? [el("ul", { class: "history" }, ...status.history.slice(0, 5).map((h) => el("li", {}, `${new Date(h.at).toLocaleTimeString()} · ${h.percent}% · ${h.by} · ${h.reason}`)))] : []),
      el("div", { class: "actions" }, button("Promote", "promote", running), button("Pause", "pause", state === "progressing"), button("Resume", "resume", state === "paused"), button("Abort", "abort", running)),
      ...(running ? [] : [start]),
    );
  }

  private renderDiff(diff: DiffReport | undefined): void {
    if (!diff || diff.compared === 0) return void this.diff.replaceChildren();
    this.diff.replaceChildren(
      el("h3", {}, "Shadow diff"),
      el("p", { "data-testid": "diff-summary" }, `${diff.compared} compared · ${diff.matched} matched · ${diff.mismatched} mismatched · ${diff.dropped} dropped`),
      ...(diff.noisyPaths.length ? [el("p", { class: "noise" }, `Noise (not counted): ${diff.noisyPaths.map((n) => `${n.path} (${n.count})`).join(", ")}`)] : []),
      el("ul", {}, ...diff.topMismatches.slice(0, 5).map((m) => el("li", {}, `${m.path}: ${m.count}`, ...m.examples.slice(0, 2).map((e) => el("pre", {}, JSON.stringify(e)))))),
    );
  }

  private async run(what: string, call: () => Promise<unknown>): Promise<void> {
    this.message.textContent = `${what}…`;
    try {
      await call();
      this.message.textContent = `${what}: done`;
    } catch (error) {
      if (error instanceof Unauthorized) return this.actions.onUnauthorized(error.message);
      this.message.textContent = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private async setPercent(percent: number): Promise<void> {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) return void (this.message.textContent = "A percent is a whole number from 0 to 100");
    if (!window.confirm(`Send ${percent}% of ${this.name}'s callers to ${this.route?.service}?`)) return;
    await this.run(`Set ${this.name} to ${percent}%`, () => this.actions.act("PUT", `/admin/routes/${encodeURIComponent(this.name)}`, { percent, gradual: true }));
  }

  private async startRollout(stepsText: string, duration: string): Promise<void> {
    const percents = stepsText.split(",").map((s) => Number(s.trim()));
    const steps = percents.map((percent, i) => (i === percents.length - 1 ? { percent } : { percent, duration }));
    if (!window.confirm(`Start a rollout of ${this.name}: ${percents.join("% → ")}%?`)) return;
    await this.run(`Start the rollout of ${this.name}`, () => this.actions.act("PUT", `/admin/routes/${encodeURIComponent(this.name)}/rollout`, { steps }));
  }

  private async rolloutAction(action: string): Promise<void> {
    if (action === "abort" && !window.confirm(`Abort the rollout of ${this.name}? Its traffic goes back to ${this.route?.legacy}.`)) return;
    await this.run(`${action} ${this.name}`, () => this.actions.act("POST", `/admin/routes/${encodeURIComponent(this.name)}/rollout/${action}`));
  }
}
