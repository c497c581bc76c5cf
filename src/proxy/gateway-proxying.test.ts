import { createHash, randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../testing/expect-reply.ts";
import { readReply } from "../testing/reply.ts";
import { startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

let g: TestGateway;
beforeAll(async () => void (g = await startTestGateway()));
afterAll(() => g.stop());

const sha = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const last = () => g.monolith.seen.at(-1)!;

describe("proxying", () => {
  it("passes method, path, query, end-to-end headers and body through, and says who served", async () => {
    const res = await fetch(`${g.url}/api/payments?user_id=7&limit=2`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-custom": "kept", authorization: "Basic dXNlcjpwYXNz" },
      body: '{"user_id":7,"amount":1.5}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-served-by")).toBe("monolith");
    expect(res.headers.get("x-upstream")).toBe("monolith");
    const seen = last();
    expect(seen).toMatchObject({ method: "POST", url: "/api/payments?user_id=7&limit=2", bodyBytes: 26 });
    expect(seen.headers).toMatchObject({ "x-custom": "kept", authorization: "Basic dXNlcjpwYXNz", "content-type": "application/json" });
  });

  it("adds X-Forwarded-For/-Proto/-Host and a request id, keeping one the client gave", async () => {
    await fetch(`${g.url}/api/users`, { headers: { "x-request-id": "client-trace-1", "x-forwarded-for": "203.0.113.5" } });
    expect(last().headers).toMatchObject({
      "x-request-id": "client-trace-1",
      "x-forwarded-for": "203.0.113.5, 127.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-host": new URL(g.url).host,
    });
    const res = await fetch(`${g.url}/api/users`);
    const generated = last().headers["x-request-id"];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(generated);
  });

  it("drops hop-by-hop headers, including those named by Connection", async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${g.url}/api/users`, { headers: { connection: "keep-alive, x-hop", "x-hop": "secret", te: "trailers", "x-end": "kept" } }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end();
    });
    expect(last().headers["x-hop"]).toBeUndefined();
    expect(last().headers.te).toBeUndefined();
    expect(last().headers["x-end"]).toBe("kept");
  });

  it("streams a body of several MB up and back unchanged", async () => {
    await g.reweight("movies", { percent: 100 });
    const payload = randomBytes(12 * 1024 * 1024);
    const res = await fetch(`${g.url}/api/movies/echo`, { method: "POST", body: payload, headers: { "content-type": "application/octet-stream" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-served-by")).toBe("movies-service");
    const echoed = new Uint8Array(await res.arrayBuffer());
    expect(echoed.length).toBe(payload.length);
    expect(sha(echoed)).toBe(sha(payload));
  });

  it("streams a large download as it arrives", async () => {
    const res = await fetch(`${g.url}/api/users?bytes=${32 * 1024 * 1024}`);
    let total = 0;
    for await (const chunk of res.body!) total += chunk.length;
    expect(total).toBe(32 * 1024 * 1024);
  });

  it("aborts the upstream call when the client disconnects", async () => {
    g.monolith.mode = "slow";
    try {
      const controller = new AbortController();
      const pending = fetch(`${g.url}/api/users?slow=1`, { signal: controller.signal }).catch(() => "aborted");
      // Polled, not a fixed wait: on a loaded machine the request may take a while to reach the upstream.
      await expect.poll(() => g.monolith.seen.some((r) => r.url === "/api/users?slow=1"), { timeout: 5_000 }).toBe(true);
      const seen = g.monolith.seen.find((r) => r.url === "/api/users?slow=1")!;
      controller.abort();
      expect(await pending).toBe("aborted");
      await expect.poll(() => seen.abandoned, { timeout: 2_000 }).toBe(true);
    } finally {
      g.monolith.mode = "ok";
    }
  });

  it("answers HEAD without a body", async () => {
    const res = await fetch(`${g.url}/api/users`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-served-by")).toBe("monolith");
    expect(last().method).toBe("HEAD");
  });
});

describe("the gateway's own endpoints", () => {
  it("answers /health with the legacy text", async () => {
    const res = await fetch(`${g.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Strangler Fig Proxy is healthy");
  });

  it("answers 404 JSON for a path no route holds, without calling any target", async () => {
    const before = g.monolith.seen.length + g.movies.seen.length;
    for (const path of ["/nope", "/api/moviesX", "/api"]) {
      expectError(await readReply(await fetch(`${g.url}${path}`)), 404, "NOT_FOUND", `no route for GET ${path}`);
    }
    expect(g.monolith.seen.length + g.movies.seen.length).toBe(before);
  });

  it("exports Prometheus metrics: requests by route, target and status, latency, breaker and percent", async () => {
    await fetch(`${g.url}/api/users`);
    const text = await (await fetch(`${g.adminUrl}/metrics`)).text();
    expect(text).toMatch(/gateway_requests_total\{route="users",target="monolith",status="200"\} \d+/);
    expect(text).toMatch(/gateway_request_duration_seconds_bucket\{le="0.1",route="users",target="monolith"\} \d+/);
    expect(text).toContain('gateway_breaker_state{target="monolith"} 0');
    expect(text).toContain('gateway_route_percent{route="movies"} 100');
  });
});
