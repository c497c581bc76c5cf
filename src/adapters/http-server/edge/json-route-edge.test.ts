import { Agent, createServer, request, type RequestListener, type Server } from "node:http";
import { Writable } from "node:stream";
import { createRoute, z } from "@hono/zod-openapi";
import { getRequestListener } from "@hono/node-server";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../contracts/app-error.ts";
import { listenOnLoopback } from "../../../testing/listen-on-loopback.ts";
import { HttpServerMetrics } from "../../metrics/http-server-metrics.ts";
import { AccessTokens } from "../../tokens/access-tokens.ts";
import { createApp, createRouter } from "../create-app.ts";
import { edgeRoute, jsonRouteEdge } from "./json-route-edge.ts";
import { jsonBody, jsonReply } from "../docs/openapi-shapes.ts";

const tokens = new AccessTokens({ issuer: "test", audience: "test-api", ttlSeconds: 60, keys: [{ kid: "k1", secret: "json-route-edge-test-secret-0123456789" }] });
const identity = { tokens, authRequired: (path: string) => path.startsWith("/closed") };

const Thing = z.object({ id: z.number().int().positive(), name: z.string().min(1).max(20), tags: z.array(z.string()).max(3).optional() }, { error: "must be a JSON object" });

// What the handler does with a name: the error paths after validation.
async function handle(input: z.output<typeof Thing>): Promise<object> {
  if (input.name === "away") throw AppError.unavailable("the broker is unavailable", "broker at 10.0.0.1:9092 refused");
  if (input.name === "boom") throw new Error("a driver's own words at 10.0.0.1");
  return { saved: input };
}

/** One side of the comparison: a node server with (or without) the edge in front of the same app. */
async function side(withEdge: boolean) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const log = pino({ level: "info" }, sink);
  const registry = new Registry();
  const metrics = new HttpServerMetrics(registry);
  const handled: unknown[] = [];
  const route = (path: string) =>
    createRoute({ method: "post", path, request: { body: jsonBody(Thing) }, responses: { 201: jsonReply("Saved", z.object({ saved: Thing })) } });
  const router = createRouter();
  for (const path of ["/things", "/closed/things"]) router.openapi(route(path), async (c) => (handled.push(c.req.valid("json")), c.json((await handle(c.req.valid("json"))) as never, 201)));
  const app = createApp(log, { identity, timing: metrics.recorder("things") }).route("/", router);
  let passedOn = 0;
  const listener = getRequestListener(app.fetch);
  const counted: RequestListener = (req, res) => (passedOn++, listener(req, res));
  const edge = jsonRouteEdge({
    routes: ["/things", "/closed/things"].map((path) => edgeRoute(path, Thing, 201, async (input) => (handled.push(input), handle(input)))),
    log,
    identity,
    timing: metrics.observer("things"),
  });
  const server: Server = createServer(withEdge ? edge(counted) : counted);
  const port = await listenOnLoopback(server, 0);
  const timings = async () => {
    const values = (await registry.getSingleMetric("http_server_request_duration_seconds")!.get()).values;
    const counts = (values as { metricName?: string; labels: object; value: number }[]).filter((v) => v.metricName?.endsWith("_count"));
    return Object.fromEntries(counts.map((v) => [JSON.stringify(v.labels), v.value]));
  };
  return { port, lines, timings, handled, server, passedOn: () => passedOn };
}

type Side = Awaited<ReturnType<typeof side>>;

interface Sent {
  path?: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Sent without a Content-Length, in chunks. */
  chunked?: boolean;
  agent?: Agent;
}

async function send(port: number, sent: Sent) {
  const body = sent.body === undefined ? Buffer.alloc(0) : Buffer.from(sent.body);
  const headers = { ...(sent.chunked ? {} : { "content-length": String(body.length) }), ...sent.headers };
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: sent.method ?? "POST", path: sent.path ?? "/things", headers, agent: sent.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    if (sent.chunked) {
      req.write(body.subarray(0, 3));
      req.end(body.subarray(3));
    } else req.end(body);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a client and an operator see of one request: the reply, the access line and the timing. */
async function seen(s: Side, sent: Sent) {
  const [lines, handled, timed] = [s.lines.length, s.handled.length, await s.timings()];
  const res = await send(s.port, sent);
  const id = String(res.headers["x-request-id"]);
  const { date, ...headers } = res.headers;
  const requestId = UUID.test(id) ? "<uuid>" : id;
  // The stack of an error line differs by who called the handler; its message does not.
  const access = s.lines
    .slice(lines)
    .map(({ time, pid, hostname, ms, err, ...line }) => ({ ...line, requestId: line.requestId === id ? requestId : line.requestId, ms: typeof ms, err: (err as { message?: string } | undefined)?.message }));
  return {
    status: res.status,
    body: res.text.replaceAll(id, requestId),
    headers: { ...headers, "x-request-id": requestId },
    access,
    // What this request added to the histogram's counts, by label set.
    timings: Object.entries(await s.timings()).flatMap(([labels, count]) => (count === (timed[labels] ?? 0) ? [] : [[labels, count - (timed[labels] ?? 0)]])),
    handled: s.handled.slice(handled),
  };
}

let edge: Side;
let app: Side;
beforeAll(async () => {
  [edge, app] = await Promise.all([side(true), side(false)]);
});
afterAll(async () => {
  for (const s of [edge, app]) {
    s.server.closeAllConnections();
    await new Promise((resolve) => s.server.close(resolve));
  }
});

const thing = JSON.stringify({ id: 7, name: "seven", tags: ["a"], extra: true });
const json = { "content-type": "application/json" };

// Each is answered by the edge itself, exactly as the app answers it.
const servedAtTheEdge: [string, Sent][] = [
  ["a valid body", { headers: json, body: thing }],
  ["a valid body with the caller's request id", { headers: { ...json, "x-request-id": "req-42" }, body: thing }],
  ["an unsafe request id, replaced", { headers: { ...json, "x-request-id": "a b<script>" }, body: thing }],
  ["no Content-Type (legacy)", { body: thing }],
  ["text/plain (legacy)", { headers: { "content-type": "text/plain" }, body: thing }],
  ["form encoding (legacy: curl -d)", { headers: { "content-type": "application/x-www-form-urlencoded" }, body: thing }],
  ["JSON with a charset", { headers: { "content-type": "application/json; charset=utf-8" }, body: thing }],
  ["JSON in capitals", { headers: { "content-type": "Application/JSON" }, body: thing }],
  ["a leading byte order mark", { headers: json, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(thing)]) }],
  ["malformed JSON", { headers: json, body: '{"id": 7,' }],
  ["an empty body", { headers: json, body: "" }],
  ["invalid UTF-8", { headers: json, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) }],
  ["null", { headers: json, body: "null" }],
  ["an array", { headers: json, body: "[1,2]" }],
  ["a string", { headers: json, body: '"thing"' }],
  ["a wrong type", { headers: json, body: JSON.stringify({ id: "7", name: "seven" }) }],
  ["missing fields", { headers: json, body: "{}" }],
  ["a name too long and too many tags", { headers: json, body: JSON.stringify({ id: 7, name: "x".repeat(21), tags: ["a", "b", "c", "d"] }) }],
  ["deep nesting", { headers: json, body: "[".repeat(5_000) + "]".repeat(5_000) }],
  ["a __proto__ key", { headers: json, body: '{"id": 7, "name": "seven", "__proto__": {"admin": true}}' }],
  ["an empty body with no Content-Type", {}],
  ["a body of exactly the bound", { headers: json, body: JSON.stringify({ id: 7, name: "seven", pad: "x".repeat(1024 * 1024 - 37) }) }],
  ["a handler that finds the broker away (503)", { headers: json, body: JSON.stringify({ id: 1, name: "away" }) }],
  ["a handler that throws (500, no internals)", { headers: json, body: JSON.stringify({ id: 1, name: "boom" }) }],
  ["a refused token on an open route", { headers: { ...json, authorization: "Bearer not-a-token" }, body: thing }],
  ["no token where one is required (401)", { path: "/closed/things", headers: json, body: thing }],
];

// Each goes to the app untouched: the edge does not answer what its headers do not settle.
const passedOn: [string, Sent][] = [
  ["a chunked body", { headers: json, body: thing, chunked: true }],
  ["another media type (415)", { headers: { "content-type": "application/xml" }, body: thing }],
  ["a query string", { path: "/things?x=1", headers: json, body: thing }],
  ["another method", { method: "PUT", headers: json, body: thing }],
  ["another path", { path: "/things/", headers: json, body: thing }],
  ["a body over the bound (413)", { headers: json, body: "x".repeat(1024 * 1024 + 1) }],
  ["two Authorization headers", { headers: { ...json, authorization: ["Bearer a", "Bearer b"] }, body: thing }],
  ["two Content-Type headers", { headers: { "content-type": ["application/json", "application/xml"] }, body: thing }],
  ["JSON with a stray semicolon", { headers: { "content-type": "application/json;" }, body: thing }],
  ["JSON with a space before its parameter", { headers: { "content-type": "application/json ; charset=utf-8" }, body: thing }],
  ["JSON with a parameter without a value", { headers: { "content-type": "application/json; charset" }, body: thing }],
  ["a structured JSON type", { headers: { "content-type": "application/vnd.api+json" }, body: thing }],
  ["a Host the app cannot build a URL from", { headers: { ...json, host: "a b" }, body: thing }],
  ["GET on a route's path (405)", { method: "GET" }],
  ["HEAD on a route's path", { method: "HEAD" }],
];

describe("jsonRouteEdge", () => {
  it.each(servedAtTheEdge)("answers %s itself, as the app does: reply, headers, access line, timing, handler input", async (_name, sent) => {
    const before = edge.passedOn();
    const [atEdge, inApp] = [await seen(edge, sent), await seen(app, sent)];
    expect(edge.passedOn()).toBe(before);
    expect(atEdge).toEqual(inApp);
    expect(atEdge.body).not.toContain("10.0.0.1");
  });

  it.each(passedOn)("hands %s to the app, which answers it", async (_name, sent) => {
    const before = edge.passedOn();
    const [atEdge, inApp] = [await seen(edge, sent), await seen(app, sent)];
    expect(edge.passedOn()).toBe(before + 1);
    expect(atEdge).toEqual(inApp);
  });

  it("verifies a bearer token itself: the caller is named in the access line, on open and closed routes", async () => {
    const authorization = `Bearer ${await tokens.sign("42")}`;
    for (const path of ["/things", "/closed/things"]) {
      const before = edge.passedOn();
      const [atEdge, inApp] = [await seen(edge, { path, headers: { ...json, authorization }, body: thing }), await seen(app, { path, headers: { ...json, authorization }, body: thing })];
      expect(edge.passedOn()).toBe(before);
      expect(atEdge).toEqual(inApp);
      expect(atEdge).toMatchObject({ status: 201, access: [{ userId: 42, path, status: 201 }] });
    }
  });

  it("answers a request whose client left before its body ended as the app does (a 400, logged and counted), and goes on", async () => {
    const cut = async (s: Side) => {
      const [lines, timed] = [s.lines.length, await s.timings()];
      await new Promise<void>((resolve) => {
        const req = request({ host: "127.0.0.1", port: s.port, method: "POST", path: "/things", headers: { ...json, "content-length": "100", "x-request-id": "cut-1" } });
        req.on("error", () => resolve());
        req.write('{"id":', () => setTimeout(() => (req.destroy(), resolve()), 50));
      });
      const deadline = Date.now() + 2_000;
      while (s.lines.length === lines && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const counts = Object.entries(await s.timings()).filter(([labels, count]) => count !== (timed[labels] ?? 0));
      return { lines: s.lines.slice(lines).map(({ time, pid, hostname, ms, ...line }) => line), counts };
    };
    const [atEdge, inApp] = [await cut(edge), await cut(app)];
    expect(atEdge).toEqual(inApp);
    expect(atEdge.lines).toContainEqual(expect.objectContaining({ msg: "request", requestId: "cut-1", status: 400 }));
    const handled = edge.handled.length;
    expect((await seen(edge, { headers: json, body: thing })).status).toBe(201);
    expect(edge.handled.length).toBe(handled + 1);
  });

  it("keeps a keep-alive connection going across requests it answers and requests it hands on", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = edge.passedOn();
      const statuses = [];
      for (const sent of [{ headers: json, body: thing }, { headers: { "content-type": "application/xml" }, body: thing }, { headers: json, body: thing }]) {
        statuses.push((await send(edge.port, { ...sent, agent })).status);
      }
      expect(statuses).toEqual([201, 415, 201]);
      expect(edge.passedOn()).toBe(before + 1);
    } finally {
      agent.destroy();
    }
  });

  it("keeps a Connection: close set before it (a draining server's), and the client's socket is closed", async () => {
    const e = jsonRouteEdge({ routes: [edgeRoute("/things", Thing, 201, handle)], log: pino({ level: "silent" }), identity });
    const server = createServer((req, res) => (res.setHeader("connection", "close"), e(() => res.end())(req, res)));
    const port = await listenOnLoopback(server, 0);
    try {
      const res = await send(port, { headers: json, body: thing });
      expect(res).toMatchObject({ status: 201, headers: { connection: "close" } });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
