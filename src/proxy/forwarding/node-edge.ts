import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { Readable } from "node:stream";
import { isAdminOnlyPath } from "../../adapters/http-server/errors/admin-paths.ts";
import { errorAnswer } from "../../adapters/http-server/errors/error-handler.ts";
import { requestIdOf } from "../../adapters/http-server/pipeline/request-id.ts";
import type { Logger } from "../../adapters/logging/logger.ts";
import type { RouteDefinition } from "../routing/route-table.ts";
import { callerIdentity } from "../routing/caller-identity.ts";
import { ClientGone } from "../targets/client-gone.ts";
import type { UpstreamRequest } from "../targets/target.ts";
import type { Forwarded } from "./forwarder.ts";
import { replyHeaders, upstreamHeaders } from "./forwarding-headers.ts";
import { clientBodyOf, forwardedBody, PROXIED, type EdgeDeps } from "./edge-request.ts";

export interface NodeEdgeDeps extends EdgeDeps {
  log: Logger;
  /** Whether both of the route's targets are behind URLs: in-process apps stay on the Hono path. */
  direct(route: RouteDefinition): boolean;
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.join(", ");
}

function write(res: ServerResponse, { reply, target, fallbackFrom }: Forwarded, requestId: string): void {
  res.writeHead(reply.status, replyHeaders(reply.headers, { requestId, target, fallbackFrom }));
  if (reply.body === null) {
    res.end();
    return;
  }
  // A target that breaks off mid-body: the status is out, so the client's connection is cut
  // (it sees a truncated reply, never a complete-looking one).
  const body = reply.body instanceof Readable ? reply.body : Readable.fromWeb(reply.body as import("node:stream/web").ReadableStream<Uint8Array>);
  // Not stream.pipeline: it makes and fires an AbortController per call, a tenth of the hot path's
  // cost in the profile. The client leaving destroys the body through the request's abort signal.
  body.once("error", () => res.destroy());
  body.pipe(res);
}

function writeError(res: ServerResponse, error: unknown, request: { requestId: string; method: string; path: string }, log: Logger): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const answer = errorAnswer(error, request, log);
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...answer.headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-request-id": request.requestId });
  res.end(body);
}

/**
 * The proxy's hot path, on Node's request and response objects: a request for a route whose targets
 * are all behind URLs is forwarded here, with the same steps as the Hono handler (identity, body,
 * sticky side, guard, fallback, forwarding headers, request id, access log) but without building a
 * web Request and Response per request, which the profile showed to be most of the gateway's cost.
 * Everything else (the gateway's own paths, 404, 405, in-process targets) goes on to `next`.
 */
export function nodeEdge(deps: NodeEdgeDeps, next: RequestListener): RequestListener {
  const { registry, forward, identity, body: bodyLimits, rollouts, log } = deps;
  const logRequests = log.isLevelEnabled("info");

  const serve = async (req: IncomingMessage, res: ServerResponse, route: RouteDefinition, path: string, started: number): Promise<void> => {
    const method = req.method!;
    const requestId = requestIdOf(single(req.headers["x-request-id"]));
    const client = new ClientGone();
    // One listener for both ends of the exchange: the client leaving early aborts the upstream call,
    // and the access line is written once the reply is done either way.
    res.once("close", () => {
      if (!res.writableFinished) client.abort();
      if (logRequests) log.info({ requestId, method, path, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 }, "request");
    });
    try {
      const { key } = await callerIdentity({ path, authorization: single(req.headers.authorization), userId: single(req.headers["x-user-id"]) }, route, identity);
      const pending = clientBodyOf(method, () => Readable.toWeb(req) as ReadableStream<Uint8Array>, single(req.headers["content-length"]), bodyLimits);
      // A GET has no body to wait for: no await, no extra turn of the microtask queue.
      const body = pending instanceof Promise ? await pending : pending;
      const request: UpstreamRequest = {
        method,
        pathAndQuery: req.url!,
        headers: upstreamHeaders(req.headers, { address: req.socket.remoteAddress, protocol: (req.socket as TLSSocket).encrypted ? "https" : "http", requestId }),
        ...forwardedBody(body),
        signal: client,
      };
      rollouts?.afterReply(res, route, request);
      write(res, await forward(route, key, request, requestId), requestId);
    } catch (error) {
      writeError(res, error, { requestId, method, path }, log);
    }
  };

  return (req, res) => {
    const started = performance.now();
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    // Percent-encoded and absolute-form paths are matched by Hono, which decodes them its own way.
    const route = path.startsWith("/") && !path.includes("%") && PROXIED.has(req.method!) && !isAdminOnlyPath(path) ? registry.match(path) : undefined;
    if (route === undefined || !deps.direct(route)) return next(req, res);
    void serve(req, res, route, path, started);
  };
}
