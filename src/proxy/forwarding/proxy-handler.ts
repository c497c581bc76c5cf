import type { Context } from "hono";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";
import { peerAddress } from "../../adapters/http-server/client-address.ts";
import type { Logger } from "../../adapters/logging/logger.ts";
import { AppError } from "../../contracts/app-error.ts";
import { callerIdentity, type IdentityPolicy } from "../routing/caller-identity.ts";
import { chooseSide } from "../routing/choose-target.ts";
import { upstreamHeaders, withoutHopByHop } from "./forwarding-headers.ts";
import type { GatewayMetrics } from "../observe/gateway-metrics.ts";
import type { RouteRegistry } from "../routing/route-registry.ts";
import type { RouteDefinition } from "../routing/route-table.ts";
import { UpstreamFailure, type UpstreamRequest } from "../targets/target.ts";
import { TargetShed, type TargetGuard } from "../targets/target-guard.ts";

export interface ProxyDeps {
  registry: RouteRegistry;
  guards: ReadonlyMap<string, TargetGuard>;
  metrics: GatewayMetrics;
  log: Logger;
  identity: IdentityPolicy;
}

// Only these are safe to send twice: a failed write is never retried on another target.
const RETRYABLE = new Set(["GET", "HEAD"]);

function upstreamRequest(c: Context<AppEnv>, userId: string | undefined): UpstreamRequest {
  const url = new URL(c.req.url);
  return {
    method: c.req.method,
    pathAndQuery: `${url.pathname}${url.search}`,
    headers: upstreamHeaders(c.req.raw.headers, {
      address: peerAddress(c),
      protocol: url.protocol === "https:" ? "https" : "http",
      requestId: c.get("requestId"),
      userId,
    }),
    body: RETRYABLE.has(c.req.method) ? null : c.req.raw.body,
    bodyComplete: () => true,
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

function asAppError(error: unknown): unknown {
  if (error instanceof TargetShed) return new AppError("UNAVAILABLE", error.message);
  if (error instanceof UpstreamFailure) {
    return error.kind === "timeout" ? new AppError("GATEWAY_TIMEOUT", error.message) : new AppError("BAD_GATEWAY", error.message);
  }
  return error;
}

/** Proxies one request along the route table, with the GET/HEAD safety net onto the legacy target. */
export function proxyHandler({ registry, guards, metrics, log, identity }: ProxyDeps) {
  const send = async (route: RouteDefinition, targetName: string, request: UpstreamRequest) => {
    const guard = guards.get(targetName);
    if (!guard) throw new AppError("UNAVAILABLE", `target ${targetName} is not configured`);
    const started = performance.now();
    try {
      const response = await guard.send(request);
      metrics.answered(route.name, targetName, response.status, (performance.now() - started) / 1000);
      return response;
    } catch (error) {
      if (error instanceof TargetShed) metrics.refused(targetName, error.reason);
      throw error;
    }
  };

  return async (c: Context<AppEnv>): Promise<Response> => {
    const route = registry.match(c.req.path);
    if (!route) throw AppError.notFound(`no route for ${c.req.method} ${c.req.path}`);
    const caller = await callerIdentity(c, route, identity);
    const side = chooseSide(route, caller.key);
    const chosen = side === "service" ? route.service! : route.legacy;
    const request = upstreamRequest(c, caller.userId);
    const canFallBack = side === "service" && RETRYABLE.has(request.method);

    let failure: unknown;
    try {
      const response = await send(route, chosen, request);
      if (!(canFallBack && response.status >= 500)) return stamped(response, request.headers.get("x-request-id")!, chosen);
      await response.body?.cancel();
      failure = new Error(`status ${response.status}`);
    } catch (error) {
      if (!canFallBack || (error instanceof UpstreamFailure && error.kind === "client-gone")) throw asAppError(error);
      failure = error;
    }
    log.warn({ requestId: c.get("requestId"), route: route.name, from: chosen, to: route.legacy, reason: String((failure as Error).message) }, "falling back to legacy target");
    metrics.fellBack(route.name, chosen, route.legacy);
    try {
      return stamped(await send(route, route.legacy, request), request.headers.get("x-request-id")!, route.legacy, chosen);
    } catch (error) {
      throw asAppError(error);
    }
  };
}
