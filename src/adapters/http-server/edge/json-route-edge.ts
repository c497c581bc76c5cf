import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import type { Logger } from "../../logging/logger.ts";
import { verifyCaller, type RequestContext, type RequestIdentity } from "../../request-context/request-context.ts";
import { logAccess } from "../pipeline/access-line.ts";
import { invalidRequest, PIPELINE_PATH } from "../create-app.ts";
import { errorAnswer } from "../errors/error-handler.ts";
import { NAMED_HOST } from "../pipeline/host-header.ts";
import { relabelledAsJson } from "../pipeline/legacy-json-body.ts";
import { MAX_BODY_BYTES } from "../pipeline/request-pipeline.ts";
import { requestIdOf } from "../pipeline/request-id.ts";

/** A JSON POST route served at the edge: the body schema and the handler of the app's own route. */
export interface EdgeRoute {
  path: string;
  body: z.ZodType;
  /** The status of a handled request (the app's route answers the same). */
  status: 200 | 201;
  /** Resolves with the reply, a JSON object. */
  handle(input: unknown): Promise<object>;
}

/** An EdgeRoute whose handler takes what its schema gives. */
export function edgeRoute<S extends z.ZodType>(path: string, body: S, status: EdgeRoute["status"], handle: (input: z.output<S>) => Promise<object>): EdgeRoute {
  // Safe: the edge calls it only with what `body` parsed.
  return { path, body, status, handle: handle as (input: unknown) => Promise<object> };
}

export interface JsonRouteEdgeOptions {
  routes: readonly EdgeRoute[];
  log: Logger;
  identity: RequestIdentity;
  /** Records a request's duration by route template, method and status (the HTTP server histogram). */
  timing?: (route: string, method: string, status: number, seconds: number) => void;
}

// JSON as every gate of the app takes it (a subset of what zod-openapi's media type gate and Hono's
// validator accept), or none or a legacy type, which the app relabels as JSON. Other spellings
// (parameters, stray semicolons) go to the app, whose gate decides.
const PLAIN_JSON = /^application\/json(; ?charset=utf-8)?$/i;

/**
 * Whether the headers alone say the request is the plain case the edge answers as the app would:
 * a named Host (the app's URL is built from it without fail; an IPv6 literal is left to the app), a body framed by a Content-Length within the app's bound, read as JSON, and one
 * Content-Type and one Authorization at most (Node keeps the first of several, the app joins them
 * into one that fails). Anything else (chunked, too large, another type) goes to the app, which
 * reads nothing that the edge has read.
 */
function plain(req: IncomingMessage): boolean {
  const headers = req.headers;
  if (headers["transfer-encoding"] !== undefined || !NAMED_HOST.test(headers.host ?? "")) return false;
  const type = headers["content-type"];
  if (!(type === undefined || PLAIN_JSON.test(type) || relabelledAsJson(type))) return false;
  const length = headers["content-length"];
  if (length === undefined || Number(length) > MAX_BODY_BYTES) return false;
  return (type === undefined || once(req, "content-type")) && (headers.authorization === undefined || once(req, "authorization"));
}

/** Whether the request carries this (lower-case) header on one line only. */
function once(req: IncomingMessage, name: string): boolean {
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) seen++;
  return seen === 1;
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
    // A client gone before its body ended gets, as from the app, a 400 for a body that is not JSON
    // (logged and counted; its socket is gone, so nobody reads it).
    let answered = false;
    const answer = (body: Buffer[] | undefined) => {
      if (answered) return;
      answered = true;
      serve(route, req, res, body, started).catch((error: unknown) => {
        // Only a fault of the edge itself lands here (serve answers every error of the request).
        log.error({ err: error, method: "POST", path: route.path }, "edge route failed");
        res.destroy();
      });
    };
    // `on`, not `once`: a second error with no listener left would be thrown.
    req.on("error", () => answer(undefined));
    req.once("end", () => answer(chunks));
  };

  async function serve(route: EdgeRoute, req: IncomingMessage, res: ServerResponse, chunks: Buffer[] | undefined, started: number): Promise<void> {
    const context: RequestContext = { requestId: requestIdOf(req.headers["x-request-id"] as string | undefined) };
    let label = PIPELINE_PATH;
    let status: number = route.status;
    let headers: Record<string, string> = {};
    let body: string;
    try {
      const verifying = verifyCaller(identity, route.path, req.headers.authorization, context);
      if (verifying) await verifying;
      label = route.path;
      const parsed = route.body.safeParse(jsonOf(chunks));
      if (!parsed.success) throw invalidRequest(parsed.error, "body");
      body = JSON.stringify(await route.handle(parsed.data));
    } catch (error) {
      const answer = errorAnswer(error, { requestId: context.requestId, method: "POST", path: route.path }, log);
      ({ status, headers } = answer);
      body = JSON.stringify(answer.body);
    }
    const ms = performance.now() - started;
    res.writeHead(status, { ...headers, "content-type": "application/json", "x-request-id": context.requestId, "content-length": Buffer.byteLength(body) });
    res.end(body);
    logAccess(log, context.requestId, context.caller?.userId, "POST", route.path, status, ms);
    timing?.(label, "POST", status, ms / 1000);
  }
}

const utf8 = new TextDecoder();

/** The body as the app's validator reads it (UTF-8, a leading BOM dropped); its refusal when it is not JSON or was cut. */
function jsonOf(chunks: Buffer[] | undefined): unknown {
  try {
    if (chunks === undefined) throw new Error("the client left before its body ended");
    return JSON.parse(utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
  } catch {
    // The validator's own refusal, so the one error mapping words it as it does for the app.
    throw new HTTPException(400, { message: "Malformed JSON in request body" });
  }
}
