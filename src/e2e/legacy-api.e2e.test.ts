import { randomBytes } from "node:crypto";
import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health } from "../contracts/health.ts";
import { TokenReply } from "../modules/auth/index.ts";
import { EventReply } from "../modules/events/index.ts";
import { Movie } from "../modules/movies/index.ts";
import { Payment, Subscription } from "../modules/payments/index.ts";
import { User } from "../modules/users/index.ts";
import { expectError, expectReply } from "../testing/expect-reply.ts";
import { countBy, sendMany } from "../testing/http-load.ts";
import { readReply } from "../testing/reply.ts";
import { e2eTarget, type E2eTarget } from "./e2e-target.ts";

// The whole legacy contract, through the gateway and on each service's own port. The same file runs
// on the all-in-one (`npm test`), on the split topology as OS processes (`npm run test:e2e`) and on
// the chart in a real Kubernetes (`npm run test:cluster`).
let p: E2eTarget;
beforeAll(async () => void (p = await e2eTarget()), 120_000);
afterAll(() => p.stop());

const unique = () => randomBytes(4).toString("hex");
async function call(base: string, method: string, path: string, body?: unknown) {
  return readReply(await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) }));
}

describe("the legacy API", () => {
  it("answers every health check", async () => {
    expect(await call(p.gateway, "GET", "/health")).toMatchObject({ status: 200, body: "Strangler Fig Proxy is healthy" });
    expect(expectReply(await call(p.monolith, "GET", "/health"), 200, Health)).toEqual({ status: true });
    expect(expectReply(await call(p.movies, "GET", "/api/movies/health"), 200, Health)).toEqual({ status: true });
    expect(expectReply(await call(p.events, "GET", "/api/events/health"), 200, Health)).toEqual({ status: true });
    expect(expectReply(await call(p.gateway, "GET", "/api/events/health"), 200, Health)).toEqual({ status: true });
  });

  it.each(["gateway", "monolith"] as const)("creates and reads users, payments and subscriptions through the %s", async (via) => {
    const base = p[via];
    const name = `e2e_${unique()}`;
    const user = expectReply(await call(base, "POST", "/api/users", { username: name, email: `${name}@e2e.example` }), 201, User);
    expect(user).toEqual({ id: expect.any(Number), username: name, email: `${name}@e2e.example` });
    expect(expectReply(await call(base, "GET", `/api/users?id=${user.id}`), 200, User)).toEqual(user);
    expectError(await call(base, "POST", "/api/users", { username: name, email: `other_${name}@e2e.example` }), 409, "CONFLICT", `username '${name}' is already taken`);

    const payment = expectReply(await call(base, "POST", "/api/payments", { user_id: user.id, amount: 12.5 }), 201, Payment);
    expect(payment).toEqual({ id: expect.any(Number), user_id: user.id, amount: 12.5, timestamp: expect.any(String) });
    expect(expectReply(await call(base, "GET", `/api/payments?user_id=${user.id}`), 200, z.array(Payment))).toEqual([payment]);
    expectError(await call(base, "POST", "/api/payments", { user_id: 987_654_321, amount: 1 }), 404, "NOT_FOUND", "user 987654321 not found");

    const premium = { plan_type: "premium", start_date: "2024-01-01T00:00:00.000Z", end_date: "2024-01-01T00:00:00.000Z" };
    const sub = expectReply(await call(base, "POST", "/api/subscriptions", { user_id: user.id, ...premium }), 201, Subscription);
    expect(sub).toEqual({ id: expect.any(Number), user_id: user.id, ...premium });
    expect(expectReply(await call(base, "GET", `/api/subscriptions?id=${sub.id}`), 200, Subscription)).toEqual(sub);
    const backwards = { user_id: user.id, plan_type: "x", start_date: "2024-02-01", end_date: "2024-01-01" };
    expectError(await call(base, "POST", "/api/subscriptions", backwards), 400, "INVALID_INPUT", expect.stringContaining("end_date: must not be before start_date"));
  });

  it("reads through the gateway and the monolith a movie created on the movies service, and the other way round", async () => {
    const title = `E2E ${unique()}`;
    const onService = expectReply(await call(p.movies, "POST", "/api/movies", { title, description: "d", genres: ["Drama"], rating: 7 }), 201, Movie);
    expect(onService).toEqual({ id: expect.any(Number), title, description: "d", genres: ["Drama"], rating: 7 });
    expect(expectReply(await call(p.monolith, "GET", `/api/movies?id=${onService.id}`), 200, Movie)).toEqual(onService);
    expect(expectReply(await call(p.gateway, "GET", `/api/movies/${onService.id}`), 200, Movie)).toEqual(onService);
    const viaGateway = expectReply(await call(p.gateway, "POST", "/api/movies", { title: `${title} 2`, description: "d", rating: 5 }), 201, Movie);
    expect(expectReply(await call(p.movies, "GET", `/api/movies/${viaGateway.id}`), 200, Movie)).toEqual(viaGateway);
    expectError(await call(p.gateway, "GET", "/api/movies/999999999"), 404, "NOT_FOUND", "movie 999999999 not found");
    expectError(await call(p.gateway, "GET", "/api/movies?id=abc"), 400, "INVALID_INPUT", expect.stringMatching(/^id: /));
  });

  it("publishes events through the gateway and on the events port", async () => {
    for (const base of [p.gateway, p.events]) {
      const body = { movie_id: 1, title: "Inception", action: "viewed" };
      const reply = expectReply(await call(base, "POST", "/api/events/movie", body), 201, EventReply);
      expect(reply).toMatchObject({ status: "success", event: { type: "movie", payload: body } });
      expectError(await call(base, "POST", "/api/events/user", { user_id: 1 }), 400, "INVALID_INPUT", expect.stringContaining("action: is required"));
    }
  });

  it("registers, logs in, refreshes and logs out through the gateway, which routes by the token's subject", async () => {
    const name = `e2e_auth_${unique()}`;
    const registered = expectReply(await call(p.gateway, "POST", "/api/auth/register", { username: name, email: `${name}@e2e.example`, password: "a long enough password" }), 201, User);
    expect(registered).toMatchObject({ username: name });
    const tokens = expectReply(await call(p.gateway, "POST", "/api/auth/login", { username: name, password: "a long enough password" }), 200, TokenReply);
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    const me = await fetch(`${p.gateway}/api/auth/me`, { headers: bearer });
    expect(expectReply(await readReply(me), 200, User)).toEqual(registered);
    const served = new Set<string | null>();
    for (let i = 0; i < 20; i++) served.add((await fetch(`${p.gateway}/api/movies?limit=1`, { headers: bearer })).headers.get("x-served-by"));
    expect(served.size).toBe(1);
    const forged = await fetch(`${p.gateway}/api/movies`, { headers: { authorization: "Bearer forged.token.here" } });
    expectError(await readReply(forged), 401, "UNAUTHORIZED", expect.stringContaining("bearer token refused"));
    const rotated = expectReply(await call(p.gateway, "POST", "/api/auth/refresh", { refresh_token: tokens.refresh_token }), 200, TokenReply);
    expectError(await call(p.gateway, "POST", "/api/auth/refresh", { refresh_token: tokens.refresh_token }), 401, "UNAUTHORIZED", expect.stringContaining("already used"));
    expect(await call(p.gateway, "POST", "/api/auth/logout", { refresh_token: rotated.refresh_token })).toMatchObject({ status: 204, body: "" });
  });

  it("answers unknown paths with 404 JSON and wrong methods with 405", async () => {
    expectError(await call(p.gateway, "GET", "/api/nothing"), 404, "NOT_FOUND", "no route for GET /api/nothing");
    expectError(await call(p.gateway, "DELETE", "/api/users"), 405, "METHOD_NOT_ALLOWED", expect.stringContaining("allowed: GET, HEAD, POST"));
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
    const user = expectReply(await call(p.gateway, "POST", "/api/users", { username: name, email: `${name}@e2e.example` }), 201, User);
    const paid = expectReply(await call(p.payments!, "POST", "/api/payments", { user_id: user.id, amount: 3 }), 201, Payment);
    expect(paid).toMatchObject({ user_id: user.id, amount: 3 });
    expect(expectReply(await call(p.monolith, "GET", `/api/payments?id=${paid.id}`), 200, Payment)).toEqual(paid);
    expectError(await call(p.payments!, "POST", "/api/payments", { user_id: 987_654_321, amount: 3 }), 404, "NOT_FOUND", "user 987654321 not found");
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
