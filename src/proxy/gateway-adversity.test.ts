import { request } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { countBy, sendMany } from "../testing/http-load.ts";
import { ADMIN_TOKEN, DOWN_SERVICE_URL, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";
import { startTestRole } from "../testing/test-platform.ts";
import type { RunningRole } from "../roles/run-role.ts";

// Real HTTP on 127.0.0.1, the gateway attacked as a client would: no client may take a route down.
let g: TestGateway | undefined;
let role: RunningRole | undefined;
afterEach(async () => {
  await g?.stop();
  await role?.stop();
  g = role = undefined;
});

const routes = ["/api/users", "/api/movies", "/api/payments", "/api/subscriptions", "/api/auth/health", "/api/events/health"];

/** A POST that declares `length` bytes and sends one every `gapMs`; resolves with the status line, or "closed". */
function slowUpload(port: number, length: number, gapMs: number, maxMs: number): Promise<string> {
  return new Promise((resolve) => {
    let received = "";
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`POST /api/movies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
      const timer = setInterval(() => (socket.writable ? socket.write("x") : clearInterval(timer)), gapMs);
      const stop = setTimeout(() => socket.destroy(), maxMs);
      socket.on("close", () => {
        clearInterval(timer);
        clearTimeout(stop);
        resolve(received.split("\r\n")[0] || "closed");
      });
    });
    socket.on("data", (chunk) => {
      received += chunk.toString();
      if (received.includes("\r\n\r\n")) socket.destroy();
    });
    socket.on("error", () => {});
  });
}

describe("a gateway under adversity", () => {
  it("keeps every route answering after 20 requests that make the legacy target answer 500, and shows the panic", async () => {
    g = await startTestGateway({ BREAKER_CONSECUTIVE_FAILURES: "5", BREAKER_BASE_EJECTION_MS: "30000" });
    g.monolith.mode = "fail";
    const poisoned = await sendMany(20, 5, () => fetch(`${g!.url}/api/movies`, { method: "POST", body: '{"title":"a\\u0000b"}' }));
    expect(countBy(poisoned)).toEqual({ monolith: 20 });
    const metrics = await (await fetch(`${g.adminUrl}/metrics`)).text();
    expect(metrics).toContain('gateway_breaker_state{target="monolith"} 1');
    expect(metrics).toContain('gateway_route_panic{route="users"} 1');

    g.monolith.mode = "ok";
    for (const path of routes.filter((p) => !p.startsWith("/api/events"))) {
      const res = await fetch(`${g.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("x-served-by"), path).toBe("monolith");
    }
    const report = (await (await fetch(`${g.adminUrl}/admin/routes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
      targets: { name: string; panicked: number }[];
    };
    expect(report.targets.find((t) => t.name === "monolith")?.panicked).toBeGreaterThan(0);
  });

  it("answers 408 to 50 slow uploads, never blaming or blocking a target, while 1,000 GETs interleaved all succeed", async () => {
    g = await startTestGateway({ GATEWAY_CLIENT_BODY_TIMEOUT_MS: "1000", BREAKER_CONSECUTIVE_FAILURES: "3", BREAKER_MAX_CONCURRENT: "10", BREAKER_MAX_PENDING: "0" });
    const port = Number(new URL(g.url).port);
    const uploads = Promise.all(Array.from({ length: 50 }, () => slowUpload(port, 100_000, 200, 5_000)));
    const gets = await sendMany(1_000, 10, () => fetch(`${g!.url}/api/movies`));
    const statuses = await uploads;
    expect(countBy(gets)).toEqual({ monolith: 1_000 });
    expect(statuses.every((line) => line.startsWith("HTTP/1.1 408")), statuses.join("; ")).toBe(true);
    expect(g.monolith.seen.filter((r) => r.method === "POST")).toEqual([]);
    expect(await (await fetch(`${g.adminUrl}/metrics`)).text()).toContain('gateway_breaker_state{target="monolith"} 0');
  }, 30_000);

  it("sends GETs and POSTs to the legacy target with zero failures while the service is dead, then ejected", async () => {
    g = await startTestGateway({ MOVIES_MIGRATION_PERCENT: "100", MOVIES_SERVICE_URL: DOWN_SERVICE_URL, BREAKER_CONSECUTIVE_FAILURES: "3" });
    const results = await sendMany(400, 10, (i) =>
      i % 2 ? fetch(`${g!.url}/api/movies?i=${i}`) : fetch(`${g!.url}/api/movies`, { method: "POST", body: `{"title":"t${i}"}` }),
    );
    expect(countBy(results)).toEqual({ monolith: 400 });
    expect(g.monolith.seen.filter((r) => r.method === "POST")).toHaveLength(200);
  });

  it("answers 405 to TRACE and other methods the services do not take, and on its own paths, without reaching a target", async () => {
    g = await startTestGateway();
    // fetch refuses to send these methods; node:http sends anything.
    const send = (method: string, path: string) =>
      new Promise<{ status: number; allow: string | undefined; body: string }>((resolve, reject) => {
        const req = request(`${g!.url}${path}`, { method }, (res) => {
          let body = "";
          res.on("data", (chunk) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode!, allow: res.headers.allow, body }));
        });
        req.on("error", reject);
        req.end();
      });
    for (const [method, path] of [["TRACE", "/api/movies"], ["PROPFIND", "/api/movies"], ["TRACE", "/health"], ["DELETE", "/openapi.json"]] as const) {
      const res = await send(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.allow).toContain("GET");
      expect(JSON.parse(res.body)).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
    }
    expect(g.monolith.seen).toEqual([]);
  });
});

describe("the all-in-one under adversity", () => {
  it("keeps every route answering through the gateway after 20 poisoned writes", async () => {
    role = await startTestRole("all-in-one");
    const gateway = `http://127.0.0.1:${role.ports.gateway}`;
    const poisoned = await sendMany(20, 5, (i) =>
      fetch(`${gateway}${i % 2 ? "/api/movies" : "/api/payments"}`, { method: "POST", body: i % 2 ? '{"title":"a\\u0000b","description":"d","genres":[],"rating":1}' : '{"user_id":1,"amount":1e-10}' }),
    );
    expect(poisoned.filter((r) => r.status >= 500)).toEqual([]);
    for (const path of routes) expect((await fetch(`${gateway}${path}`)).status, path).toBe(200);
  });
});
