import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countBy, sendMany } from "../testing/http-load.ts";
import { e2eTarget, type E2eTarget } from "./e2e-target.ts";

// The whole legacy contract, through the gateway and on each service's own port. The same file runs
// on the all-in-one (`npm test`) and on the split topology as OS processes (`npm run test:e2e`).
let p: E2eTarget;
beforeAll(async () => void (p = await e2eTarget()), 120_000);
afterAll(() => p.stop());

const unique = () => randomBytes(4).toString("hex");
async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

describe("the legacy API", () => {
  it("answers every health check", async () => {
    expect(await call(p.gateway, "GET", "/health")).toMatchObject({ status: 200, body: "Strangler Fig Proxy is healthy" });
    expect(await call(p.monolith, "GET", "/health")).toMatchObject({ status: 200, body: { status: true } });
    expect(await call(p.movies, "GET", "/api/movies/health")).toMatchObject({ status: 200, body: { status: true } });
    expect(await call(p.events, "GET", "/api/events/health")).toMatchObject({ status: 200, body: { status: true } });
    expect(await call(p.gateway, "GET", "/api/events/health")).toMatchObject({ status: 200, body: { status: true } });
  });

  it.each(["gateway", "monolith"] as const)("creates and reads users, payments and subscriptions through the %s", async (via) => {
    const base = p[via];
    const name = `e2e_${unique()}`;
    const user = await call(base, "POST", "/api/users", { username: name, email: `${name}@e2e.example` });
    expect(user).toMatchObject({ status: 201, body: { id: expect.any(Number), username: name } });
    expect((await call(base, "GET", `/api/users?id=${user.body.id}`)).body).toEqual(user.body);
    expect((await call(base, "POST", "/api/users", { username: name, email: `other_${name}@e2e.example` })).status).toBe(409);

    const payment = await call(base, "POST", "/api/payments", { user_id: user.body.id, amount: 12.5 });
    expect(payment).toMatchObject({ status: 201, body: { user_id: user.body.id, amount: 12.5, timestamp: expect.any(String) } });
    expect((await call(base, "GET", `/api/payments?user_id=${user.body.id}`)).body).toEqual([payment.body]);
    expect((await call(base, "POST", "/api/payments", { user_id: 987_654_321, amount: 1 })).status).toBe(404);

    const sub = await call(base, "POST", "/api/subscriptions", { user_id: user.body.id, plan_type: "premium", start_date: "2024-01-01T00:00:00Z", end_date: "2024-01-01T00:00:00Z" });
    expect(sub.status).toBe(201);
    expect((await call(base, "GET", `/api/subscriptions?id=${sub.body.id}`)).body).toEqual(sub.body);
    expect((await call(base, "POST", "/api/subscriptions", { user_id: user.body.id, plan_type: "x", start_date: "2024-02-01", end_date: "2024-01-01" })).status).toBe(400);
  });

  it("reads through the gateway and the monolith a movie created on the movies service, and the other way round", async () => {
    const title = `E2E ${unique()}`;
    const onService = await call(p.movies, "POST", "/api/movies", { title, description: "d", genres: ["Drama"], rating: 7 });
    expect(onService.status).toBe(201);
    expect((await call(p.monolith, "GET", `/api/movies?id=${onService.body.id}`)).body).toEqual(onService.body);
    expect((await call(p.gateway, "GET", `/api/movies/${onService.body.id}`)).body).toEqual(onService.body);
    const viaGateway = await call(p.gateway, "POST", "/api/movies", { title: `${title} 2`, description: "d", rating: 5 });
    expect((await call(p.movies, "GET", `/api/movies/${viaGateway.body.id}`)).body).toEqual(viaGateway.body);
    expect((await call(p.gateway, "GET", "/api/movies/999999999")).status).toBe(404);
    expect((await call(p.gateway, "GET", "/api/movies?id=abc")).status).toBe(400);
  });

  it("publishes events through the gateway and on the events port", async () => {
    for (const base of [p.gateway, p.events]) {
      const reply = await call(base, "POST", "/api/events/movie", { movie_id: 1, title: "Inception", action: "viewed" });
      expect(reply).toMatchObject({ status: 201, body: { status: "success", event: { type: "movie" } } });
      expect((await call(base, "POST", "/api/events/user", { user_id: 1 })).status).toBe(400);
    }
  });

  it("registers, logs in, refreshes and logs out through the gateway, which routes by the token's subject", async () => {
    const name = `e2e_auth_${unique()}`;
    const registered = await call(p.gateway, "POST", "/api/auth/register", { username: name, email: `${name}@e2e.example`, password: "a long enough password" });
    expect(registered).toMatchObject({ status: 201, body: { username: name } });
    const tokens = await call(p.gateway, "POST", "/api/auth/login", { username: name, password: "a long enough password" });
    expect(tokens).toMatchObject({ status: 200, body: { token_type: "Bearer" } });
    const bearer = { authorization: `Bearer ${tokens.body.access_token}` };
    const me = await fetch(`${p.gateway}/api/auth/me`, { headers: bearer });
    expect(await me.json()).toEqual(registered.body);
    const served = new Set<string | null>();
    for (let i = 0; i < 20; i++) served.add((await fetch(`${p.gateway}/api/movies?limit=1`, { headers: bearer })).headers.get("x-served-by"));
    expect(served.size).toBe(1);
    expect((await fetch(`${p.gateway}/api/movies`, { headers: { authorization: "Bearer forged.token.here" } })).status).toBe(401);
    const rotated = await call(p.gateway, "POST", "/api/auth/refresh", { refresh_token: tokens.body.refresh_token });
    expect(rotated.status).toBe(200);
    expect((await call(p.gateway, "POST", "/api/auth/refresh", { refresh_token: tokens.body.refresh_token })).status).toBe(401);
    expect((await call(p.gateway, "POST", "/api/auth/logout", { refresh_token: rotated.body.refresh_token })).status).toBe(204);
  });

  it("answers unknown paths with 404 JSON and wrong methods with 405", async () => {
    expect((await call(p.gateway, "GET", "/api/nothing")).status).toBe(404);
    expect((await call(p.gateway, "DELETE", "/api/users")).status).toBe(405);
  });

  it("splits /api/movies between both targets at the configured percent", async () => {
    expect(p.percent).toBe(50);
    const counts = countBy(await sendMany(400, 10, () => fetch(`${p.gateway}/api/movies?limit=1`)));
    expect(counts.failed).toBeUndefined();
    expect(counts.monolith).toBeGreaterThan(120);
    expect(counts["movies-service"]).toBeGreaterThan(120);
  });
});

describe.runIf(process.env.E2E_TOPOLOGY === "split")("the split topology as OS processes", () => {
  it("pays through a payments-only process that asks the monolith's users remotely", async () => {
    const name = `payer_${unique()}`;
    const user = await call(p.gateway, "POST", "/api/users", { username: name, email: `${name}@e2e.example` });
    const paid = await call(p.payments!, "POST", "/api/payments", { user_id: user.body.id, amount: 3 });
    expect(paid).toMatchObject({ status: 201, body: { user_id: user.body.id } });
    expect((await call(p.monolith, "GET", `/api/payments?id=${paid.body.id}`)).body).toEqual(paid.body);
    expect((await call(p.payments!, "POST", "/api/payments", { user_id: 987_654_321, amount: 3 })).body).toMatchObject({ code: "NOT_FOUND" });
  });

  it("fails no GET at the gateway when the movies service is killed under load, and takes it back after a restart", async () => {
    const pids = JSON.parse(process.env.E2E_PIDS!) as Record<string, number>;
    const results = await sendMany(1500, 10, async (i) => {
      if (i === 300) process.kill(pids.movies!, "SIGKILL");
      return fetch(`${p.gateway}/api/movies?limit=5`);
    });
    const counts = countBy(results);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(counts["movies-service"]).toBeGreaterThan(50);

    process.kill(Number(process.env.E2E_TOPOLOGY_PID), "SIGUSR2");
    let after: Record<string, number> = {};
    const deadline = Date.now() + 60_000;
    while ((after["movies-service"] ?? 0) < 20 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      after = countBy(await sendMany(100, 10, () => fetch(`${p.gateway}/api/movies?limit=5`)));
      expect(after.failed).toBeUndefined();
    }
    expect(after["movies-service"]).toBeGreaterThanOrEqual(20);
  }, 120_000);
});
