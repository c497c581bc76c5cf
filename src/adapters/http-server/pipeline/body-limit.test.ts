import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { request as httpRequest } from "node:http";
import type { Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenOnLoopback } from "../../../testing/listen-on-loopback.ts";
import type { AppEnv } from "../app-env.ts";
import { bodyLimit } from "./body-limit.ts";

const MAX = 1000;

/** Answers the JSON it read, its size, and whether the node server had to build a web Request with a stream. */
function app() {
  return new Hono<AppEnv>()
    .use(bodyLimit({ maxSize: MAX, onError: (c) => c.json({ error: "too large" }, 413) }))
    .post("/echo", async (c) => c.json({ got: await c.req.json() }))
    .get("/ping", (c) => c.text("pong"));
}

const big = JSON.stringify({ pad: "x".repeat(MAX) });
const small = JSON.stringify({ pad: "x" });

describe("bodyLimit in process (app.request: no Content-Length)", () => {
  it("passes a small body and refuses a large one", async () => {
    const a = app();
    const ok = await a.request("/echo", { method: "POST", body: small, headers: { "content-type": "application/json" } });
    expect(await ok.json()).toEqual({ got: { pad: "x" } });
    expect((await a.request("/echo", { method: "POST", body: big, headers: { "content-type": "application/json" } })).status).toBe(413);
  });
});

describe("bodyLimit on a node server", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createAdaptorServer({ fetch: app().fetch }) as unknown as Server;
    port = await listenOnLoopback(server, 0);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** One raw HTTP/1.1 request; `chunked` sends the body without a Content-Length. */
  function send(method: string, path: string, body: string | undefined, chunked = false): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (body !== undefined && !chunked) headers["content-length"] = String(Buffer.byteLength(body));
      const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      if (body !== undefined) {
        // Two writes without a length: Node sends Transfer-Encoding: chunked.
        if (chunked) req.write(body.slice(0, 10));
        req.end(chunked ? body.slice(10) : body);
      } else req.end();
    });
  }

  it("bounds a body by its Content-Length", async () => {
    expect(await send("POST", "/echo", small)).toEqual({ status: 200, text: JSON.stringify({ got: { pad: "x" } }) });
    expect((await send("POST", "/echo", big)).status).toBe(413);
  });

  it("counts a chunked body, which has no Content-Length", async () => {
    expect(await send("POST", "/echo", small, true)).toEqual({ status: 200, text: JSON.stringify({ got: { pad: "x" } }) });
    expect((await send("POST", "/echo", big, true)).status).toBe(413);
  });

  it("lets a GET without a body through", async () => {
    expect(await send("GET", "/ping", undefined)).toEqual({ status: 200, text: "pong" });
  });
});
