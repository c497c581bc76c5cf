import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import { AppError } from "../../contracts/app-error.ts";
import { validationMessage } from "../../contracts/validation-message.ts";
import type { Logger } from "../logging/logger.ts";
import { verifyCaller, type RequestContext, type RequestIdentity } from "../request-context/request-context.ts";
import { errorAnswer } from "./error-handler.ts";
import { relabelledAsJson } from "./legacy-json-body.ts";
import { MAX_BODY_BYTES } from "./request-pipeline.ts";
import { requestIdOf } from "./request-id.ts";

/** A JSON POST route served at the edge: the body schema and the handler of the app's own route. */
export interface EdgeRoute {
  path: string;
  body: z.ZodType;
  /** The status of a handled request (the app's route answers the same). */
  status: 200 | 201;
  handle(input: unknown): Promise<unknown>;
}

/** An EdgeRoute whose handler takes what its schema gives. */
export function edgeRoute<S extends z.ZodType>(path: string, body: S, status: EdgeRoute["status"], handle: (input: z.output<S>) => Promise<unknown>): EdgeRoute {
  return { path, body, status, handle: handle as (input: unknown) => Promise<unknown> };
}

export interface JsonRouteEdgeOptions {
  routes: readonly EdgeRoute[];
  log: Logger;
  identity: RequestIdentity;
  /** Records a request's duration by route template, method and status (the HTTP server histogram). */
  timing?: (route: string, method: string, status: number, seconds: number) => void;
}

// The app's histogram names what its pipeline refuses before any route (a caller refused) by the
// pipeline's own path, the one its middleware is mounted on.
const PIPELINE_ROUTE = "/*";

// What the app reads as JSON: its own type (any parameters), or none or a legacy type, relabelled.
const readAsJson = (type: string | undefined) =>
  type === "application/json" || relabelledAsJson(type) || type!.split(";")[0]!.trim().toLowerCase() === "application/json";

/**
 * Whether the headers alone say the request is the plain case the edge answers as the app would:
 * a body framed by a Content-Length within the app's bound, read as JSON, and at most one
 * Authorization header (the app would join several into one that fails). Anything else (chunked,
 * too large, another type) goes to the app, which reads nothing that the edge has read.
 */
function plain(req: IncomingMessage): boolean {
  const headers = req.headers;
  if (headers["transfer-encoding"] !== undefined || !readAsJson(headers["content-type"])) return false;
  const length = headers["content-length"];
  if (length === undefined || Number(length) > MAX_BODY_BYTES) return false;
  return headers.authorization === undefined || req.headersDistinct.authorization?.length === 1;
}

/**
 * Serves a few JSON POST routes on Node's own request and response, in front of the app that also
 * serves them (and documents them): the same request id, caller check, body bound, schema, handler,
 * error envelope, access line and timing as requestPipeline and the app's route, without Hono's
 * dispatch, web Request and Response, and validator around them. On the events service those were
 * half its CPU per event (`node --cpu-prof`, issue 13). A request whose headers are not the plain
 * case, or for any other method or path, goes to the app untouched. It never enters the async
 * request context (see ModuleDescriptor.edgeRoutes): its handlers must not read currentRequest().
 */
export function jsonRouteEdge(options: JsonRouteEdgeOptions): (app: RequestListener) => RequestListener {
  const { log, identity, timing } = options;
  const routes = new Map(options.routes.map((route) => [route.path, route]));
  return (app) => (req, res) => {
    const route = req.method === "POST" ? routes.get(req.url!) : undefined;
    if (route === undefined || !plain(req)) return app(req, res);
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A client gone before its body ended is answered by nobody: nothing was done for it.
    req.on("error", () => {});
    req.once("end", () => void serve(route, req, res, chunks, started));
  };

  async function serve(route: EdgeRoute, req: IncomingMessage, res: ServerResponse, chunks: Buffer[], started: number): Promise<void> {
    const context: RequestContext = { requestId: requestIdOf(req.headers["x-request-id"] as string | undefined) };
    let label = PIPELINE_ROUTE;
    let status: number = route.status;
    let headers: Record<string, string> = {};
    let body: string;
    try {
      const verifying = verifyCaller(identity, route.path, req.headers.authorization, context);
      if (verifying) await verifying;
      label = route.path;
      const parsed = route.body.safeParse(jsonOf(chunks));
      if (!parsed.success) throw AppError.invalid(validationMessage(parsed.error, "body"));
      body = JSON.stringify(await route.handle(parsed.data));
    } catch (error) {
      const answer = errorAnswer(error, { requestId: context.requestId, method: "POST", path: route.path }, log);
      ({ status, headers } = answer);
      body = JSON.stringify(answer.body);
    }
    const ms = performance.now() - started;
    res.writeHead(status, { ...headers, "content-type": "application/json", "x-request-id": context.requestId, "content-length": Buffer.byteLength(body) });
    res.end(body);
    const userId = context.caller?.userId;
    log.info({ requestId: context.requestId, ...(userId === undefined ? {} : { userId }), method: "POST", path: route.path, status, ms: Math.round(ms * 10) / 10 }, "request");
    timing?.(label, "POST", status, ms / 1000);
  }
}

const utf8 = new TextDecoder();

/** The body as the app's validator reads it (UTF-8, a leading BOM dropped); its refusal when it is not JSON. */
function jsonOf(chunks: Buffer[]): unknown {
  try {
    return JSON.parse(utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
  } catch {
    // The validator's own refusal, so the one error mapping words it as it does for the app.
    throw new HTTPException(400, { message: "Malformed JSON in request body" });
  }
}
