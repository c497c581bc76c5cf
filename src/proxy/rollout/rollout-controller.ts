import type { ServerResponse } from "node:http";
import type { Logger } from "../../adapters/logging/logger.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { RouteRegistry } from "../routing/route-registry.ts";
import type { RouteDefinition } from "../routing/route-table.ts";
import type { Target, UpstreamRequest } from "../targets/target.ts";
import { diffReport, emptyCounters, mergedCounters } from "../shadow/diff-report.ts";
import { ShadowTraffic } from "../shadow/shadow-traffic.ts";
import { analyse, quantile } from "./rollout-analysis.ts";
import type { RolloutMetrics } from "./rollout-metrics.ts";
import type { RolloutPlan, ShadowSettings } from "./rollout-plan.ts";
import * as transitions from "./rollout-state.ts";
import { effectiveShadow, idleRecord, RUNNING, type RolloutRecord, type Transition } from "./rollout-state.ts";
import type { RolloutStore, StoredRollout } from "./rollout-store.ts";
import { summed, WindowCounter } from "./window-counter.ts";

export interface RolloutOptions {
  /** This replica's name in the counters and the leader lease. */
  replica: string;
  /** Counters flush, weights sync and the leader analyses at this pace. */
  tickMs: number;
  shadowMaxConcurrent: number;
  shadowTimeoutMs: number;
}

export type RolloutAction = "promote" | "pause" | "resume" | "abort";
const HISTORY_LIMIT = 50;
const COUNTS_KEPT_MS = 3_600_000;

/**
 * Progressive delivery for every route: rollouts, shadow traffic and their shared state. Each replica
 * counts its own traffic and flushes it into the store at every tick, then applies the weights the
 * store holds; the replica holding the leader lease also runs the analyses and moves the weights.
 */
export class RolloutController {
  private readonly records = new Map<string, StoredRollout>();
  private readonly counter: WindowCounter;
  readonly shadow: ShadowTraffic;
  /** Routes whose traffic is counted: those with a rollout running. */
  private readonly observed = new Set<string>();
  /** Per route, which counters this replica last wrote (compared/dropped/noise samples). */
  private readonly savedDiffs = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  /** Set when the replica starts stopping: it counts and applies weights, but no longer leads. */
  private retiring = false;
  private leading = false;
  private readonly ready: Promise<void>;
  private store!: RolloutStore;

  constructor(
    store: RolloutStore | Promise<RolloutStore>,
    private readonly registry: RouteRegistry,
    targets: ReadonlyMap<string, Target>,
    private readonly metrics: RolloutMetrics,
    private readonly log: Logger,
    private readonly options: RolloutOptions,
  ) {
    this.counter = new WindowCounter(options.replica, options.tickMs);
    this.shadow = new ShadowTraffic({
      targets,
      maxConcurrent: options.shadowMaxConcurrent,
      timeoutMs: options.shadowTimeoutMs,
      log,
      settings: (route) => {
        const stored = this.records.get(route);
        return stored ? effectiveShadow(stored.record) : undefined;
      },
      onCompared: (route, mismatched) => {
        this.metrics.shadowCompared(route, mismatched);
        this.counter.compared(route, mismatched);
      },
      onDropped: (route) => this.metrics.shadowDropped(route),
    });
    registry.onChange((route, by) => {
      if (by !== "rollout") void this.manualWeight(route, by).catch((error: Error) => log.error({ route: route.name, err: error.message }, "manual weight not recorded"));
    });
    this.ready = this.restore(store);
    this.ready.catch((error: Error) => log.error({ err: error.message }, "rollout state did not load: rollouts and shadow are off on this replica"));
  }

  /** Loads the stored state (a restart resumes where it was), then ticks until stopped. */
  private async restore(store: RolloutStore | Promise<RolloutStore>): Promise<void> {
    this.store = await store;
    for (const stored of await this.store.loadAll()) this.take(stored);
    for (const route of this.registry.list()) {
      const own = (await this.store.loadDiffs(route.name)).find((d) => d.replica === this.options.replica);
      if (own) this.shadow.restore(route.name, own.counters);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => this.schedule());
    }, this.options.tickMs);
  }

  /**
   * Hands the leader lease over as the replica starts stopping. Its listeners may drain for seconds
   * while it still ticks, and a stopping leader must not move a weight the live replicas then carry.
   */
  async retire(): Promise<void> {
    this.retiring = true;
    await this.ready.catch(() => {});
    // The tick in flight may be leading: its step lands before the lease goes.
    await this.ticking;
    if (this.leading) {
      this.leading = false;
      this.metrics.leading(false);
      this.log.info({ replica: this.options.replica }, "stopping: the rollout lease is handed over");
    }
    // Unreleased (no store, the database gone), the lease simply runs out.
    await this.store?.releaseLead(this.options.replica).catch((error: Error) => this.log.warn({ err: error.message }, "rollout lease not released; it runs out"));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.shadow.stop();
    await this.ready.catch(() => {});
    await this.ticking;
    await this.flush().catch(() => {});
  }

  // --- the request path -------------------------------------------------------------------------

  /** One upstream answer (status) or failure (undefined) of a proxied request. Cheap when no rollout runs. */
  answered(route: RouteDefinition, target: string, status: number | undefined, seconds: number): void {
    if (!this.observed.has(route.name)) return;
    const side = target === route.service ? "service" : target === route.legacy ? "legacy" : undefined;
    if (side) this.counter.answered(route.name, side, status === undefined || status >= 500, seconds * 1000);
  }

  /** After the client's reply: a shadow copy when the route's shadow samples this request. */
  afterReply(outgoing: ServerResponse | undefined, route: RouteDefinition, request: UpstreamRequest): void {
    this.shadow.afterReply(outgoing, route, request);
  }

  // --- the loop ---------------------------------------------------------------------------------

  /** One round: flush this replica's counters, apply the stored weights, and analyse if leading. */
  async tick(): Promise<void> {
    try {
      await this.flush();
      await this.sync();
      // A lease of 20 ticks (1 to 10 s): a replica slowed for a few ticks keeps leading, a dead one is replaced soon.
      // Nothing to decide while no rollout progresses: no lease traffic on an idle database.
      const progressing = [...this.records.values()].some((x) => x.record.state === "progressing");
      const leading = progressing && !this.retiring && (await this.store.tryLead(this.options.replica, Math.min(10_000, Math.max(1_000, this.options.tickMs * 20))));
      if (leading !== this.leading) this.log.info({ replica: this.options.replica, leading }, leading ? "leading the rollout analysis" : "no longer leading the rollout analysis");
      this.leading = leading;
      this.metrics.leading(leading);
      if (leading) await this.lead();
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, "rollout tick failed; retrying at the next one");
    }
  }

  private async flush(): Promise<void> {
    await this.store.addCounts(this.counter.drain());
    for (const { record } of this.records.values()) {
      const counters = this.shadow.recorder(record.route).counters;
      // Written only when this replica compared or dropped something since the last write.
      const mark = `${counters.compared}/${counters.dropped}/${counters.noiseSamples}`;
      if (this.savedDiffs.get(record.route) === mark) continue;
      await this.store.saveDiff(record.route, this.options.replica, counters);
      this.savedDiffs.set(record.route, mark);
    }
  }

  private async sync(): Promise<void> {
    for (const stored of await this.store.loadAll()) {
      // Only newer: two syncs in flight at once (a tick's and an admin call's) must not apply an older read last.
      if ((this.records.get(stored.record.route)?.version ?? 0) < stored.version) this.take(stored);
    }
  }

  /** Adopts a stored record: its weight goes into the route table here. */
  private take(stored: StoredRollout): void {
    const r = stored.record;
    const route = this.registry.list().find((x) => x.name === r.route);
    if (!route) return;
    const before = this.records.get(r.route)?.record;
    if (before && before.diffResetAt !== r.diffResetAt) this.shadow.restore(r.route, emptyCounters());
    this.records.set(r.route, stored);
    if (RUNNING.includes(r.state)) this.observed.add(r.route);
    else this.observed.delete(r.route);
    if (r.percent !== undefined && (route.percent !== r.percent || route.gradual !== r.gradual)) {
      this.registry.change(r.route, { percent: r.percent, gradual: r.gradual }, "rollout");
      this.log.info({ route: r.route, percent: r.percent, gradual: r.gradual, state: r.state, step: r.step }, "rollout weight applied");
    }
    this.metrics.record(r);
  }

  private async lead(): Promise<void> {
    const now = Date.now();
    await this.store.pruneCounts(now - COUNTS_KEPT_MS);
    for (const stored of [...this.records.values()]) {
      const r = stored.record;
      if (r.state !== "progressing" || !r.plan || now - r.lastAnalysisAt < r.plan.analysis.interval) continue;
      const windowMs = r.plan.analysis.window ?? r.plan.analysis.interval;
      const shadowStep = r.plan.steps[r.step]!.shadow;
      const input = summed(await this.store.countsSince(r.route, now - windowMs));
      const sinceStep = summed(await this.store.countsSince(r.route, Math.floor(r.stepStartedAt / this.options.tickMs) * this.options.tickMs));
      const analysis = analyse(input, r.plan.analysis, shadowStep, new Date(now));
      this.metrics.analysed(r.route, analysis, input, { service: quantile(input.service.latencies, 0.99), legacy: quantile(input.legacy.latencies, 0.99) });
      const t = transitions.afterAnalysis(r, analysis, shadowStep ? sinceStep.shadow.compared : sinceStep.service.requests, now, `rollout-analysis (${this.options.replica})`);
      if (await this.write(stored, t)) {
        if (t.record.state === "rolled-back") {
          this.metrics.rolledBack(r.route, analysis);
          this.log.error({ route: r.route, reason: t.record.reason }, "rollout rolled back");
        } else if (t.change) this.log.info({ route: r.route, step: t.record.step, percent: t.record.percent, state: t.record.state }, "rollout stepped");
      }
    }
  }

  /** Saves a transition if nobody wrote the record meanwhile, and applies it here at once. */
  private async write(stored: StoredRollout, t: Transition): Promise<boolean> {
    if (!(await this.store.save(t.record, stored.version, t.change))) return false;
    if ((this.records.get(t.record.route)?.version ?? 0) < stored.version + 1) this.take({ record: t.record, version: stored.version + 1 });
    return true;
  }

  /** Reads the latest record, applies `change` to it, and writes it; retries when another replica wrote first. */
  private async loaded(): Promise<void> {
    await this.ready.catch(() => {
      throw AppError.unavailable("rollout state is unavailable: the gateway's database did not open (see its log)");
    });
  }

  private async mutate(route: string, change: (r: RolloutRecord) => Transition | undefined): Promise<RolloutRecord> {
    await this.loaded();
    this.routeNamed(route);
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.sync();
      const stored = this.records.get(route) ?? { record: idleRecord(route), version: 0 };
      const t = change(stored.record);
      if (!t) return stored.record;
      if (await this.write(stored, t)) return t.record;
    }
    throw AppError.conflict(`route '${route}' is being changed by another replica; try again`);
  }

  private async manualWeight(route: RouteDefinition, by: string): Promise<void> {
    await this.mutate(route.name, (r) => transitions.manualWeight(r, route.percent, route.gradual, by));
  }

  /** The route's current definition; NOT_FOUND, naming the known routes, for an unknown name. */
  private routeNamed(route: string): RouteDefinition {
    const definition = this.registry.list().find((x) => x.name === route);
    if (!definition) throw AppError.notFound(`route '${route}' not found; routes: ${this.registry.list().map((r) => r.name).join(", ")}`);
    return definition;
  }

  /** Whether a rollout (running or finished) holds this route's weight. */
  holdsWeight(route: string): boolean {
    const r = this.records.get(route)?.record;
    return r !== undefined && r.percent !== undefined;
  }

  // --- the admin API ----------------------------------------------------------------------------

  /** GET /admin/routes/{name}/rollout. */
  async report(route: string) {
    await this.loaded();
    await this.sync();
    // Read after the sync, never before: a tick may apply a newer record while the sync awaits, and
    // the route table replaces its definitions on every change, so an earlier one would be stale.
    const definition = this.routeNamed(route);
    const r = this.records.get(route)?.record ?? idleRecord(route);
    return {
      state: r.state,
      step: r.step,
      percent: definition.service === undefined ? 0 : definition.gradual ? definition.percent : 100,
      plan: r.plan,
      lastAnalysis: r.lastAnalysis,
      reason: r.reason,
      history: await this.store.history(route, HISTORY_LIMIT),
    };
  }

  /** PUT /admin/routes/{name}/rollout. */
  async start(route: string, plan: RolloutPlan, by: string): Promise<RolloutRecord> {
    const definition = this.registry.list().find((x) => x.name === route);
    if (definition && definition.service === undefined) {
      throw AppError.invalid(`route '${route}' has no service target to roll out to; configure ${route.toUpperCase()}_SERVICE_URL`);
    }
    return this.mutate(route, (r) => transitions.start(r, plan, Date.now(), by));
  }

  /** POST /admin/routes/{name}/rollout/{action}. */
  async act(route: string, action: RolloutAction, by: string): Promise<RolloutRecord> {
    const now = Date.now();
    return this.mutate(route, (r) => {
      if (action === "promote") return transitions.promote(r, now, by);
      if (action === "pause") return transitions.pause(r, by);
      if (action === "resume") return transitions.resume(r, now, by);
      return transitions.abort(r, by);
    });
  }

  /** PUT /admin/routes/{name}/shadow. */
  async setShadow(route: string, settings: ShadowSettings): Promise<ShadowSettings> {
    await this.mutate(route, (r) => ({ record: { ...r, shadow: settings } }));
    return settings;
  }

  /** GET /admin/routes/{name}/diff: every replica's counters merged. */
  async diff(route: string) {
    await this.loaded();
    this.routeNamed(route);
    await this.flush();
    const all = await this.store.loadDiffs(route);
    const stored = this.records.get(route)?.record;
    return diffReport(route, mergedCounters(all.map((d) => d.counters)), stored ? (effectiveShadow(stored) ?? null) : null);
  }

  /** DELETE /admin/routes/{name}/diff: every replica empties its counters of the route at its next sync. */
  async resetDiff(route: string): Promise<void> {
    const now = Date.now();
    await this.mutate(route, (r) => ({ record: { ...r, diffResetAt: now } }));
    await this.store.clearDiffs(route);
  }
}

/** The JSON of GET /admin/routes/{name}/rollout, as the CLI and the dashboard read it. */
export type RolloutReport = Awaited<ReturnType<RolloutController["report"]>>;
