import { Hono } from "hono";
import { routePath } from "hono/route";
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../contracts/app-error.ts";
import { currentRequest } from "../../request-context/request-context.ts";
import { AccessTokens } from "../../tokens/access-tokens.ts";
import type { AppEnv } from "../app-env.ts";
import { errorReply } from "../errors/error-handler.ts";
import { requestPipeline, type RequestPipelineOptions } from "./request-pipeline.ts";

const tokens = new AccessTokens({ issuer: "test", audience: "test-api", ttlSeconds: 60, keys: [{ kid: "k1", secret: "request-pipeline-test-secret-0123456789" }] });

/** An app behind the pipeline, with the log lines it wrote and the timings it recorded. */
function appWith(options: Partial<RequestPipelineOptions> = {}) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const log = pino({ level: "info" }, sink);
  const timings: { route: string; status: number; seconds: number }[] = [];
  const app = new Hono<AppEnv>()
    .use(requestPipeline({ log, timing: (c, seconds) => timings.push({ route: routePath(c), status: c.res.status, seconds }), ...options }))
    .get("/who/:id", (c) => c.json({ onContext: c.get("requestId"), inStorage: currentRequest()?.requestId ?? null, caller: c.get("caller") ?? null }))
    .post("/echo", async (c) => c.json(await c.req.json()))
    .get("/fails", () => {
      throw AppError.notFound("nothing here");
    })
    .onError((error, c) => errorReply(error, c, log));
  return { app, lines, timings };
}

describe("requestPipeline", () => {
  it("gives the request an id, answers it in X-Request-Id, and writes one access line and one timing with the route's status", async () => {
    const { app, lines, timings } = appWith();
    const res = await app.request("/who/3", { headers: { "x-request-id": "req-7" } });
    expect(res.headers.get("x-request-id")).toBe("req-7");
    expect(await res.json()).toEqual({ onContext: "req-7", inStorage: "req-7", caller: null });
    expect(lines).toEqual([expect.objectContaining({ msg: "request", requestId: "req-7", method: "GET", path: "/who/3", status: 200 })]);
    expect(timings).toEqual([{ route: "/who/:id", status: 200, seconds: expect.any(Number) }]);
  });

  it("times and logs the status the error handler chose for a route that threw", async () => {
    const { app, lines, timings } = appWith();
    expect((await app.request("/fails")).status).toBe(404);
    expect(lines.at(-1)).toMatchObject({ msg: "request", status: 404 });
    expect(timings).toEqual([expect.objectContaining({ route: "/fails", status: 404 })]);
  });

  it("answers a refused token 401 in the error envelope, still logged and timed, before the route runs", async () => {
    const { app, lines, timings } = appWith({ identity: { tokens, authRequired: () => false } });
    const res = await app.request("/who/1", { headers: { authorization: "Bearer not-a-token" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "UNAUTHORIZED", requestId: res.headers.get("x-request-id") });
    expect(lines.at(-1)).toMatchObject({ msg: "request", status: 401 });
    expect(timings.at(-1)).toMatchObject({ status: 401 });
  });

  it("names the verified caller in the access line, with or without the async context", async () => {
    for (const asyncContext of [true, false]) {
      const { app, lines } = appWith({ identity: { tokens, authRequired: () => false }, asyncContext });
      const res = await app.request("/who/1", { headers: { authorization: `Bearer ${await tokens.sign("42")}` } });
      expect(await res.json()).toMatchObject({ caller: { userId: 42, role: "user" } });
      expect(lines.at(-1)).toMatchObject({ msg: "request", userId: 42 });
    }
  });

  it("without the async context, keeps the request on c alone: currentRequest() sees nothing", async () => {
    const { app } = appWith({ asyncContext: false });
    expect(await (await app.request("/who/3", { headers: { "x-request-id": "req-8" } })).json()).toEqual({ onContext: "req-8", inStorage: null, caller: null });
  });

  it("with bodies, refuses one over 1 MB with 413 and reads a legacy form-encoded body as JSON", async () => {
    const { app } = appWith({ bodies: { streamedPaths: [] } });
    const big = JSON.stringify({ pad: "x".repeat(1024 * 1024) });
    const tooLarge = await app.request("/echo", { method: "POST", body: big, headers: { "content-type": "application/json", "content-length": String(big.length) } });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const legacy = await app.request("/echo", { method: "POST", body: '{"a":1}', headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(await legacy.json()).toEqual({ a: 1 });
  });
});
