import type { RolloutController } from "../rollout/rollout-controller.ts";
import type { IdentityPolicy } from "../routing/caller-identity.ts";
import type { RouteRegistry } from "../routing/route-registry.ts";
import type { UpstreamRequest } from "../targets/target.ts";
import { readClientBody, type ClientBody, type ClientBodyLimits } from "./client-body.ts";
import { RETRYABLE, type Forward } from "./forwarder.ts";

/** What the two edges (the Hono handler, and the Node listener in front of it) both need. */
export interface EdgeDeps {
  registry: RouteRegistry;
  forward: Forward;
  identity: IdentityPolicy;
  body: ClientBodyLimits;
  /** Shadow traffic; absent in gateways built without it. */
  rollouts?: Pick<RolloutController, "afterReply">;
}

// What the services answer; anything else (TRACE, CONNECT, WebDAV verbs) gets 405, as there.
export const PROXIED = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
export const ALLOW = [...PROXIED].join(", ");

/** The Content-Length a client declared, when it is a plain number. */
function declaredLength(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The body a request carries on to its target: none for GET and HEAD, which may be sent twice. */
export function clientBodyOf(method: string, stream: () => ReadableStream<Uint8Array> | null, length: string | undefined, limits: ClientBodyLimits): Promise<ClientBody> | ClientBody {
  return RETRYABLE.has(method) ? { kind: "none" } : readClientBody(stream(), declaredLength(length), limits);
}

/** The upstream request's body and its completeness, from the client's. */
export function forwardedBody(body: ClientBody): Pick<UpstreamRequest, "body" | "bodyComplete"> {
  return {
    body: body.kind === "whole" ? body.bytes : body.kind === "stream" ? body.stream : null,
    bodyComplete: body.kind === "stream" ? body.complete : () => true,
  };
}
