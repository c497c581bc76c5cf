import type { ServerResponse } from "node:http";
import type { Logger } from "../../adapters/logging/logger.ts";
import type { RouteDefinition } from "../routing/route-table.ts";
import type { Target, UpstreamRequest } from "../targets/target.ts";
import { headersOf, replyText } from "../targets/upstream-reply.ts";
import type { ShadowSettings } from "../rollout/rollout-plan.ts";
import { DiffRecorder, type DiffCounters } from "./diff-report.ts";
import { replyDifferences, type ComparedReply } from "./json-diff.ts";

/** Marks every shadow copy, so a service can tell it from real traffic (and never bill or email for it). */
export const SHADOW_HEADER = "x-shadow-request";
const SHADOWED = new Set(["GET", "HEAD"]);

type ShadowCopy = Pick<UpstreamRequest, "method" | "pathAndQuery" | "headers">;
const MAX_BODY_CHARS = 1024 * 1024;

export interface ShadowOptions {
  targets: ReadonlyMap<string, Target>;
  /** Shadow rounds in flight at most, over all routes; more are dropped. */
  maxConcurrent: number;
  timeoutMs: number;
  log: Logger;
  /** The route's settings now, or undefined when its shadow is off. */
  settings(route: string): ShadowSettings | undefined;
  onCompared(route: string, mismatched: boolean): void;
  onDropped(route: string): void;
}

/**
 * Shadow traffic: a sample of a route's GET/HEAD requests is sent again, once the client's reply is
 * out, to both the legacy target and the service (and, on a noise sample, to the legacy target a
 * second time), and the answers are compared. The copies go to the targets directly, never through
 * the breakers of the real path, with their own timeout and bounded concurrency; the client's
 * request is never held, read or delayed for them.
 */
export class ShadowTraffic {
  private inFlight = 0;
  private readonly recorders = new Map<string, DiffRecorder>();
  /** Aborted on stop: copies in flight must not hold the gateway's shutdown. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: ShadowOptions) {}

  /** The route's counters on this replica (created empty). */
  recorder(route: string): DiffRecorder {
    let recorder = this.recorders.get(route);
    if (!recorder) this.recorders.set(route, (recorder = new DiffRecorder()));
    return recorder;
  }

  /** Replaces this replica's counters of a route (restored at start, or reset). */
  restore(route: string, counters: DiffCounters): void {
    this.recorders.set(route, new DiffRecorder(counters));
  }

  /** Abandons the copies in flight and sends no more. */
  stop(): void {
    this.stopping.abort();
  }

  /** Called for every proxied request: cheap when the route's shadow is off. */
  afterReply(outgoing: ServerResponse | undefined, route: RouteDefinition, request: UpstreamRequest): void {
    if (route.service === undefined || !SHADOWED.has(request.method) || this.stopping.signal.aborted) return;
    const settings = this.options.settings(route.name);
    if (!settings || settings.percent === 0 || Math.random() * 100 >= settings.percent) return;
    if (this.inFlight >= this.options.maxConcurrent) {
      this.recorder(route.name).counters.dropped++;
      this.options.onDropped(route.name);
      return;
    }
    this.inFlight++;
    const copy = { method: request.method, pathAndQuery: request.pathAndQuery, headers: { ...request.headers, [SHADOW_HEADER]: "1" } };
    const go = () => void this.compare(route, copy, settings).finally(() => this.inFlight--);
    // With Node's response object (absent for an in-process call), the copies start once the reply is written.
    if (outgoing && !outgoing.writableFinished) {
      let started = false;
      const once = () => !started && ((started = true), setImmediate(go));
      outgoing.once("finish", once);
      outgoing.once("close", once);
    } else setImmediate(go);
  }

  private async compare(route: RouteDefinition, copy: ShadowCopy, settings: ShadowSettings): Promise<void> {
    const recorder = this.recorder(route.name);
    const noise = recorder.wantsNoiseSample();
    try {
      const [legacy, service, legacyAgain] = await Promise.all([
        this.fetch(route.legacy, copy),
        this.fetch(route.service!, copy),
        noise ? this.fetch(route.legacy, copy) : undefined,
      ]);
      const { compareHeaders, ignorePaths, redact } = settings;
      const mismatched = recorder.record(
        replyDifferences(legacy, service, compareHeaders, ignorePaths),
        legacyAgain ? replyDifferences(legacy, legacyAgain, compareHeaders, ignorePaths) : undefined,
        redact,
      );
      this.options.onCompared(route.name, mismatched);
    } catch (error) {
      // Only a bug lands here (fetch turns transport failures into 599): never the client's concern.
      this.options.log.debug({ route: route.name, err: (error as Error).message }, "shadow copy failed");
    }
  }

  /** One copy; a transport failure becomes status 599 so the comparison still records it. */
  private async fetch(targetName: string, copy: ShadowCopy): Promise<ComparedReply> {
    const target = this.options.targets.get(targetName);
    if (!target) throw new Error(`no target ${targetName}`);
    const request: UpstreamRequest = {
      ...copy,
      headers: { ...copy.headers },
      body: null,
      bodyComplete: () => true,
      signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.stopping.signal]),
    };
    try {
      const reply = await target.send(request);
      const text = copy.method === "HEAD" ? undefined : await replyText(reply);
      return { status: reply.status, headers: headersOf(reply.headers), body: text !== undefined && text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text };
    } catch {
      return { status: 599, headers: new Headers(), body: undefined };
    }
  }
}
