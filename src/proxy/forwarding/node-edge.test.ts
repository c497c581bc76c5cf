import { createServer, request, type RequestListener, type Server } from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../adapters/logging/logger.ts";
import { AccessTokens } from "../../adapters/tokens/access-tokens.ts";
import { AppError } from "../../contracts/app-error.ts";
import { listenOnLoopback } from "../../testing/listen-on-loopback.ts";
import { RouteRegistry } from "../routing/route-registry.ts";
import type { UpstreamRequest } from "../targets/target.ts";
import type { Forward } from "./forwarder.ts";
import { nodeEdge } from "./node-edge.ts";

const tokens = new AccessTokens({ issuer: "test", audience: "test-api", ttlSeconds: 60, keys: [{ kid: "k1", secret: "node-edge-test-signing-secret-0123456789" }] });
const registry = new RouteRegistry([
  { name: "movies", prefixes: ["/api/movies"], legacy: "monolith", service: "movies", percent: 0, gradual: true },
  { name: "users", prefixes: ["/api/users"], legacy: "in-process-monolith", percent: 0, gradual: true },
  { name: "payments", prefixes: ["/api/payments"], legacy: "monolith", percent: 0, gradual: true },
]);

let server: Server;
let base: string;
/** What reached Hono's listener (the `next` of the edge), and what the edge forwarded itself. */
const toHono: string[] = [];
const forwarded: UpstreamRequest[] = [];
let breakMidBody = false;

const forward: Forward = async (route, _key, req) => {
  forwarded.push(req);
  if (route.name === "payments") throw new AppError("UNAVAILABLE", "the service is overloaded; try again shortly", 1);
  const body = req.body instanceof Uint8Array ? Buffer.from(req.body) : Buffer.from(`{"route":"${route.name}"}`);
  const stream = breakMidBody
    ? new Readable({ read() { this.push(body); this.destroy(new Error("upstream reset")); } })
    : Readable.from([body]);
  return {
    reply: { status: 200, headers: { "content-type": "application/json", connection: "x-hop", "x-hop": "secret", "transfer-encoding": "chunked" }, body: stream },
    target: "monolith",
  };
};

beforeAll(async () => {
  const hono: RequestListener = (req, res) => {
    toHono.push(`${req.method} ${req.url}`);
    res.writeHead(299).end("hono");
  };
  const edge = nodeEdge(
    { registry, forward, identity: { tokens, requireAuth: ["users"] }, body: { bufferBytes: 1024, timeoutMs: 1000 }, log: createLogger("silent"), direct: (r) => r.legacy !== "in-process-monolith" },
    hono,
  );
  server = createServer(edge);
  base = `http://127.0.0.1:${await listenOnLoopback(server, 0)}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${base}${path}`, { method, headers: init.headers, body: init.body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe("the gateway's Node edge", () => {
  it("forwards a route whose targets are all URLs itself, never through Hono, with hop-by-hop headers dropped", async () => {
    toHono.length = 0;
    const res = await call("GET", "/api/movies?id=3", { headers: { "x-request-id": "edge-1", "x-user-id": "42" } });
    expect(res).toMatchObject({ status: 200, text: '{"route":"movies"}' });
    expect(res.headers.get("x-served-by")).toBe("monolith");
    expect(res.headers.get("x-request-id")).toBe("edge-1");
    expect(res.headers.get("x-hop")).toBeNull();
    expect(toHono).toEqual([]);
    const sent = forwarded.at(-1)!;
    expect(sent.pathAndQuery).toBe("/api/movies?id=3");
    expect(sent.headers["x-user-id"]).toBeUndefined();
    expect(sent.headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("reads a small body whole before forwarding it", async () => {
    const res = await call("POST", "/api/movies", { headers: { "content-type": "application/json" }, body: '{"title":"Edge"}' });
    expect(res).toMatchObject({ status: 200, text: '{"title":"Edge"}' });
  });

  it("leaves the gateway's own paths, admin paths, unknown routes and methods, encoded paths and in-process targets to Hono", async () => {
    toHono.length = 0;
    const paths: [string, string][] = [
      ["GET", "/health"],
      ["GET", "/metrics"],
      ["GET", "/api/unknown"],
      ["TRACE", "/api/movies"],
      ["GET", "/api/%6Dovies"],
      ["GET", "/api/users"],
    ];
    for (const [method, path] of paths) {
      await new Promise<void>((resolve, reject) => {
        request(`${base}${path}`, { method }, (res) => {
          expect(res.statusCode).toBe(299);
          res.resume().on("end", resolve);
        })
          .on("error", reject)
          .end();
      });
    }
    expect(toHono).toEqual(paths.map(([m, p]) => `${m} ${p}`));
  });

  it("answers errors in the one envelope, with Retry-After and the request id, and a bad token with 401", async () => {
    const shed = await call("GET", "/api/payments", { headers: { "x-request-id": "edge-2" } });
    expect(shed.status).toBe(503);
    expect(JSON.parse(shed.text)).toEqual({ error: "the service is overloaded; try again shortly", code: "UNAVAILABLE", requestId: "edge-2" });
    expect(shed.headers.get("retry-after")).toBe("1");
    expect(shed.headers.get("content-type")).toBe("application/json");
    const forged = await call("GET", "/api/movies", { headers: { authorization: "Bearer not.a.token" } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("cuts the client's connection when the target breaks off mid-body, rather than ending a truncated reply cleanly", async () => {
    breakMidBody = true;
    try {
      await expect(call("GET", "/api/movies")).rejects.toThrow();
    } finally {
      breakMidBody = false;
    }
  });
});
