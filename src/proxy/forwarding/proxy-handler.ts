import type { Context } from "hono";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";
import { peerAddress } from "../../adapters/http-server/client-address.ts";
import type { Logger } from "../../adapters/logging/logger.ts";
import { AppError } from "../../contracts/app-error.ts";
import { callerIdentity, type IdentityPolicy } from "../routing/caller-identity.ts";
import { chooseSide } from "../routing/choose-target.ts";
import type { GatewayMetrics } from "../observe/gateway-metrics.ts";
import type { RecentTraffic } from "../observe/recent-traffic.ts";
import type { RolloutController } from "../rollout/rollout-controller.ts";
import type { RouteRegistry } from "../routing/route-registry.ts";
import type { RouteDefinition } from "../routing/route-table.ts";
import { UpstreamFailure, type UpstreamRequest } from "../targets/target.ts";
import { TargetShed, type TargetGuard } from "../targets/target-guard.ts";
import { readClientBody, type ClientBody, type ClientBodyLimits } from "./client-body.ts";
import { clientFacingError } from "./client-facing-error.ts";
import { upstreamHeaders, withoutHopByHop } from "./forwarding-headers.ts";

export interface ProxyDeps {
  registry: RouteRegistry;
  guards: ReadonlyMap<string, TargetGuard>;
  metrics: GatewayMetrics;
  traffic: RecentTraffic;
  log: Logger;
  identity: IdentityPolicy;
  body: ClientBodyLimits;
  /** Rollout counters and shadow traffic; absent in gateways built without them. */
  rollouts?: Pick<RolloutController, "answered" | "afterReply">;
}

// Only these are safe to send twice: a write that reached a target is never sent to another.
const RETRYABLE = new Set(["GET", "HEAD"]);
// What the services answer; anything else (TRACE, CONNECT, WebDAV verbs) gets 405 here, as there.
const PROXIED = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const ALLOW = [...PROXIED].join(", ");

function declaredLength(c: Context<AppEnv>): number | undefined {
  const value = c.req.header("content-length");
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function upstreamRequest(c: Context<AppEnv>, body: ClientBody): UpstreamRequest {
  const url = new URL(c.req.url);
  return {
    method: c.req.method,
    pathAndQuery: `${url.pathname}${url.search}`,
    headers: upstreamHeaders(c.req.raw.headers, {
      address: peerAddress(c),
      protocol: url.protocol === "https:" ? "https" : "http",
      requestId: c.get("requestId"),
    }),
    body: body.kind === "whole" ? body.bytes : body.kind === "stream" ? body.stream : null,
    bodyComplete: body.kind === "stream" ? body.complete : () => true,
    signal: c.req.raw.signal,
  };
}

/** The client's reply: the upstream's, minus hop-by-hop headers, saying which target served it. */
function stamped(response: Response, requestId: string, target: string, fallbackFrom?: string): Response {
  const headers = withoutHopByHop(response.headers);
  headers.set("x-served-by", target);
  headers.set("x-request-id", requestId);
  if (fallbackFrom) headers.set("x-fallback-from", fallbackFrom);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * Whether a request the service did not serve may go to the legacy target instead. Nothing was
 * sent when the service was shed (ejected, no free slot) or refused the connection, so any method
 * may go, as long as its body is still unread; a GET or HEAD may go whatever happened.
 */
function mayFallBack(request: UpstreamRequest, body: ClientBody, error: unknown): boolean {
  if (error instanceof UpstreamFailure && (error.kind === "client-gone" || error.kind === "client-body")) return false;
  if (RETRYABLE.has(request.method)) return true;
  // A shed request never reached the target, so even a streamed body is still unread.
  if (error instanceof TargetShed) return true;
  return body.kind !== "stream" && error instanceof UpstreamFailure && error.kind === "connect";
}

/**
 * Proxies one request along the route table. The body is in hand before any target is chosen; a
 * service that cannot take the request hands it to the legacy target, which is the last resort.
 */
export function proxyHandler({ registry, guards, metrics, traffic, log, identity, body: bodyLimits, rollouts }: ProxyDeps) {
  const send = async (route: RouteDefinition, targetName: string, request: UpstreamRequest) => {
    const guard = guards.get(targetName);
    if (!guard) throw new AppError("UNAVAILABLE", "the service is unavailable");
    const started = performance.now();
    try {
      const response = await guard.send(request);
      const ms = performance.now() - started;
      metrics.answered(route.name, targetName, response.status, ms / 1000);
      traffic.record(route.name, targetName, response.status, ms);
      rollouts?.answered(route, targetName, response.status, ms / 1000);
      return response;
    } catch (error) {
      rollouts?.answered(route, targetName, undefined, (performance.now() - started) / 1000);
      if (error instanceof TargetShed) metrics.refused(targetName, error.reason);
      traffic.record(route.name, targetName, "failed", performance.now() - started);
      throw error;
    }
  };

  return async (c: Context<AppEnv>): Promise<Response> => {
    const route = registry.match(c.req.path);
    if (!route) throw AppError.notFound(`no route for ${c.req.method} ${c.req.path}`);
    if (!PROXIED.has(c.req.method)) {
      c.header("Allow", ALLOW);
      throw new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed; allowed: ${ALLOW}`);
    }
    const caller = await callerIdentity(c, route, identity);
    const body = RETRYABLE.has(c.req.method) ? ({ kind: "none" } as const) : await readClientBody(c.req.raw.body, declaredLength(c), bodyLimits);
    const side = chooseSide(route, caller.key);
    const chosen = side === "service" ? route.service! : route.legacy;
    const request = upstreamRequest(c, body);
    const requestId = c.get("requestId");
    rollouts?.afterReply(c, route, request);
    const fail = (error: unknown, target: string): never => {
      log.warn({ requestId, route: route.name, target, err: error instanceof Error ? error.message : String(error) }, "no answer from upstream");
      throw clientFacingError(error);
    };

    let reason: string;
    try {
      const response = await send(route, chosen, request);
      if (!(side === "service" && RETRYABLE.has(request.method) && response.status >= 500)) return stamped(response, requestId, chosen);
      await response.body?.cancel();
      reason = `status ${response.status}`;
    } catch (error) {
      if (side !== "service" || !mayFallBack(request, body, error)) return fail(error, chosen);
      reason = error instanceof Error ? error.message : String(error);
    }
    log.warn({ requestId, route: route.name, from: chosen, to: route.legacy, reason }, "falling back to legacy target");
    metrics.fellBack(route.name, chosen, route.legacy);
    try {
      return stamped(await send(route, route.legacy, request), requestId, route.legacy, chosen);
    } catch (error) {
      return fail(error, route.legacy);
    }
  };
}
