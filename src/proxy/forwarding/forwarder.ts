import type { Logger } from "../../adapters/logging/logger.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { GatewayMetrics } from "../observe/gateway-metrics.ts";
import type { RecentTraffic } from "../observe/recent-traffic.ts";
import type { RolloutController } from "../rollout/rollout-controller.ts";
import { chooseSide } from "../routing/choose-target.ts";
import type { RouteDefinition } from "../routing/route-table.ts";
import { UpstreamFailure, type UpstreamReply, type UpstreamRequest } from "../targets/target.ts";
import { TargetShed, type TargetGuard } from "../targets/target-guard.ts";
import { discardReply } from "../targets/upstream-reply.ts";
import { clientFacingError } from "./client-facing-error.ts";

export interface ForwarderDeps {
  guards: ReadonlyMap<string, TargetGuard>;
  metrics: GatewayMetrics;
  traffic: RecentTraffic;
  log: Logger;
  /** Rollout counters; absent in gateways built without them. */
  rollouts?: Pick<RolloutController, "answered">;
}

/** The reply the client gets, and who gave it. */
export interface Forwarded {
  reply: UpstreamReply;
  target: string;
  /** The service that failed first, when the legacy target answered in its place. */
  fallbackFrom?: string;
}

// Only these are safe to send twice: a write that reached a target is never sent to another.
export const RETRYABLE = new Set(["GET", "HEAD"]);

/**
 * Whether a request the service did not serve may go to the legacy target instead. Nothing was
 * sent when the service was shed (ejected, no free slot) or refused the connection, so any method
 * may go, as long as its body is still unread; a GET or HEAD may go whatever happened.
 */
function mayFallBack(request: UpstreamRequest, error: unknown): boolean {
  if (error instanceof UpstreamFailure && (error.kind === "client-gone" || error.kind === "client-body")) return false;
  if (RETRYABLE.has(request.method)) return true;
  // A shed request never reached the target, so even a streamed body is still unread.
  if (error instanceof TargetShed) return true;
  return !(request.body instanceof ReadableStream) && error instanceof UpstreamFailure && error.kind === "connect";
}

/**
 * The strangler fig's step for one request, whichever edge received it: the side the caller's key
 * picks, through that target's guard, and the legacy target as the last resort when the service
 * cannot take the request. Throws the client-facing AppError when no target answered.
 */
export function forwarder({ guards, metrics, traffic, log, rollouts }: ForwarderDeps) {
  const send = async (route: RouteDefinition, targetName: string, request: UpstreamRequest): Promise<UpstreamReply> => {
    const guard = guards.get(targetName);
    if (!guard) throw new AppError("UNAVAILABLE", "the service is unavailable");
    const started = performance.now();
    try {
      const reply = await guard.send(request);
      const ms = performance.now() - started;
      metrics.answered(route.name, targetName, reply.status, ms / 1000);
      traffic.record(route.name, targetName, reply.status, ms);
      rollouts?.answered(route, targetName, reply.status, ms / 1000);
      return reply;
    } catch (error) {
      const ms = performance.now() - started;
      rollouts?.answered(route, targetName, undefined, ms / 1000);
      if (error instanceof TargetShed) metrics.refused(targetName, error.reason);
      traffic.record(route.name, targetName, "failed", ms);
      throw error;
    }
  };

  // A GET or HEAD whose connection broke (reset, or refused) is sent to the same last-resort target
  // once more: a pooled connection that the target closed as the request went out (a pod stopping)
  // costs the client nothing, as Envoy's retry on reset. Timeouts are not retried: they already waited.
  const sendToLegacy = async (route: RouteDefinition, request: UpstreamRequest, requestId: string): Promise<UpstreamReply> => {
    try {
      return await send(route, route.legacy, request);
    } catch (error) {
      if (!(RETRYABLE.has(request.method) && error instanceof UpstreamFailure && (error.kind === "reset" || error.kind === "connect"))) throw error;
      log.warn({ requestId, route: route.name, target: route.legacy, err: error.message }, "retrying once on the last-resort target");
      metrics.retried(route.name, route.legacy);
      return send(route, route.legacy, request);
    }
  };

  return async (route: RouteDefinition, key: string | undefined, request: UpstreamRequest, requestId: string): Promise<Forwarded> => {
    const side = chooseSide(route, key);
    const fail = (error: unknown, target: string): never => {
      log.warn({ requestId, route: route.name, target, err: error instanceof Error ? error.message : String(error) }, "no answer from upstream");
      throw clientFacingError(error);
    };
    if (side === "legacy") {
      try {
        return { reply: await sendToLegacy(route, request, requestId), target: route.legacy };
      } catch (error) {
        return fail(error, route.legacy);
      }
    }

    const service = route.service!;
    let reason: string;
    try {
      const reply = await send(route, service, request);
      if (!(RETRYABLE.has(request.method) && reply.status >= 500)) return { reply, target: service };
      await discardReply(reply);
      reason = `status ${reply.status}`;
    } catch (error) {
      if (!mayFallBack(request, error)) return fail(error, service);
      reason = error instanceof Error ? error.message : String(error);
    }
    log.warn({ requestId, route: route.name, from: service, to: route.legacy, reason }, "falling back to legacy target");
    metrics.fellBack(route.name, service, route.legacy);
    try {
      return { reply: await sendToLegacy(route, request, requestId), target: route.legacy, fallbackFrom: service };
    } catch (error) {
      return fail(error, route.legacy);
    }
  };
}

export type Forward = ReturnType<typeof forwarder>;
