import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectReply } from "../testing/expect-reply.ts";
import { readReply } from "../testing/reply.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { startTestRole } from "../testing/test-platform.ts";
import { forgedToken, TEST_KEYS } from "../testing/test-tokens.ts";
import { TokenReply } from "../modules/auth/auth.contract.ts";
import { Payment } from "../modules/payments/payments.contract.ts";
import { Subscription } from "../modules/payments/subscriptions.contract.ts";
import { User } from "../modules/users/users.contract.ts";
import type { RunningRole } from "./run-role.ts";

// Object-level authorization (OWASP API1) over real HTTP in one all-in-one process: through the
// gateway, and straight to the monolith's and the modules' own listeners, which verify the token
// themselves. Authentication is required for users, payments (with subscriptions) and events.
let role: RunningRole;
const base = (listener: string) => `http://127.0.0.1:${role.ports[listener]}`;
const PASSWORD = "Plum-Orbit-Quartz-9173";
const ids: Record<string, number> = {};
const tokens: Record<string, string> = {};

async function call(listener: string, method: string, path: string, as?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base(listener)}${path}`, {
    method,
    headers: { ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return readReply(res);
}

beforeAll(async () => {
  role = await startTestRole("all-in-one", { AUTH_JWT_KEYS: TEST_KEYS, GATEWAY_REQUIRE_AUTH: "users,payments,events", AUTH_ADMIN_USERNAMES: "oa_boss" });
  for (const name of ["oa_alice", "oa_bob", "oa_boss"]) {
    ids[name] = expectReply(await call("gateway", "POST", "/api/auth/register", undefined, { username: name, email: `${name}@access.example`, password: PASSWORD }), 201, User).id;
    tokens[name] = expectReply(await call("gateway", "POST", "/api/auth/login", undefined, { username: name, password: PASSWORD }), 200, TokenReply).access_token;
  }
  for (const name of ["oa_alice", "oa_bob"]) {
    expectReply(await call("gateway", "POST", "/api/payments", name, { user_id: ids[name], amount: 5 }), 201, Payment);
    const plan = { user_id: ids[name], plan_type: "basic", start_date: "2026-01-01T00:00:00Z", end_date: "2026-12-31T00:00:00Z" };
    expectReply(await call("gateway", "POST", "/api/subscriptions", name, plan), 201, Subscription);
  }
});
afterAll(() => role?.stop());

describe.each([
  ["through the gateway", "gateway"],
  ["straight to the monolith", "monolith"],
  ["straight to the payments module's own listener", "payments"],
])("payments and subscriptions %s", (_where, listener) => {
  it.each([
    ["payments", Payment],
    ["subscriptions", Subscription],
  ] as const)("a user reads only their own %s: lists filtered, another's row 403", async (path, Row) => {
    const alice = ids.oa_alice!;
    const bob = ids.oa_bob!;
    const own = expectReply(await call(listener, "GET", `/api/${path}`, "oa_alice"), 200, z.array(Row));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((row) => row.user_id === alice)).toBe(true);
    expect(expectReply(await call(listener, "GET", `/api/${path}?user_id=${bob}`, "oa_alice"), 200, z.array(Row))).toEqual([]);
    expect(expectReply(await call(listener, "GET", `/api/${path}?user_id=${alice}`, "oa_alice"), 200, z.array(Row))).toEqual(own);

    const everyone = expectReply(await call(listener, "GET", `/api/${path}`, "oa_boss"), 200, z.array(Row));
    const bobs = everyone.find((row) => row.user_id === bob)!;
    expect(everyone.some((row) => row.user_id === alice)).toBe(true);
    expectError(await call(listener, "GET", `/api/${path}?id=${bobs.id}`, "oa_alice"), 403, "FORBIDDEN", expect.stringContaining("belongs to another user"));
    expect(expectReply(await call(listener, "GET", `/api/${path}?id=${bobs.id}`, "oa_boss"), 200, Row)).toEqual(bobs);
    expectError(await call(listener, "GET", `/api/${path}`), 401, "UNAUTHORIZED", `/api/${path} requires a bearer token`);
  });

  it("a user cannot pay or subscribe for another user: 403, and nothing is written", async () => {
    const bob = ids.oa_bob!;
    const before = expectReply(await call(listener, "GET", `/api/payments?user_id=${bob}`, "oa_boss"), 200, z.array(Payment));
    expectError(await call(listener, "POST", "/api/payments", "oa_alice", { user_id: bob, amount: 999 }), 403, "FORBIDDEN");
    const plan = { user_id: bob, plan_type: "stolen", start_date: "2026-01-01T00:00:00Z", end_date: "2026-12-31T00:00:00Z" };
    expectError(await call(listener, "POST", "/api/subscriptions", "oa_alice", plan), 403, "FORBIDDEN");
    expect(expectReply(await call(listener, "GET", `/api/payments?user_id=${bob}`, "oa_boss"), 200, z.array(Payment))).toEqual(before);
    const subs = expectReply(await call(listener, "GET", `/api/subscriptions?user_id=${bob}`, "oa_boss"), 200, z.array(Subscription));
    expect(subs.some((s) => s.plan_type === "stolen")).toBe(false);
  });

  it("refuses, at this listener itself, a token signed with another key", async () => {
    const forged = await forgedToken({ sub: String(ids.oa_bob), secret: "an-attackers-own-secret-0123456789abcdef" });
    const reply = await call(listener, "GET", "/api/payments", undefined, undefined, { authorization: `Bearer ${forged}` });
    expectError(reply, 401, "UNAUTHORIZED", "bearer token refused: token not valid");
  });
});

describe.each([
  ["through the gateway", "gateway"],
  ["straight to the users module's own listener", "users"],
])("users %s", (_where, listener) => {
  it("a user sees only their own record (and email); an admin sees everyone's", async () => {
    const alice = expectReply(await call(listener, "GET", "/api/users", "oa_alice"), 200, z.array(User));
    expect(alice).toEqual([{ id: ids.oa_alice, username: "oa_alice", email: "oa_alice@access.example" }]);
    expectError(await call(listener, "GET", `/api/users?id=${ids.oa_bob}`, "oa_alice"), 403, "FORBIDDEN");
    expect(expectReply(await call(listener, "GET", "/api/users?login=oa_bob", "oa_alice"), 200, z.array(User))).toEqual([]);
    expect(expectReply(await call(listener, "GET", `/api/users?id=${ids.oa_alice}`, "oa_alice"), 200, User).email).toBe("oa_alice@access.example");

    const all = expectReply(await call(listener, "GET", "/api/users", "oa_boss"), 200, z.array(User));
    expect(all.map((u) => u.username)).toEqual(expect.arrayContaining(["oa_alice", "oa_bob", "oa_boss"]));
    expect(expectReply(await call(listener, "GET", "/api/users?login=oa_bob", "oa_boss"), 200, z.array(User))).toHaveLength(1);
  });

  it("only an admin creates a user record directly; a user gets 403 and nothing is created", async () => {
    expectError(await call(listener, "POST", "/api/users", "oa_alice", { username: `oa_made_${listener}`, email: `made_${listener}@access.example` }), 403, "FORBIDDEN");
    expect(expectReply(await call(listener, "GET", `/api/users?login=oa_made_${listener}`, "oa_boss"), 200, z.array(User))).toEqual([]);
    expectReply(await call(listener, "POST", "/api/users", "oa_boss", { username: `oa_made_${listener}`, email: `made_${listener}@access.example` }), 201, User);
  });
});

describe("identity that arrives from the network", () => {
  it("a forged X-User-Id straight to the monolith is nobody: 401 on a closed route, and the token's user wins over it", async () => {
    expectError(await call("monolith", "GET", "/api/payments", undefined, undefined, { "x-user-id": String(ids.oa_boss) }), 401, "UNAUTHORIZED");
    const withHeader = expectReply(await call("monolith", "GET", "/api/payments", "oa_alice", undefined, { "x-user-id": String(ids.oa_bob) }), 200, z.array(Payment));
    expect(withHeader.every((p) => p.user_id === ids.oa_alice)).toBe(true);
  });

  it("POST /api/events requires a token by the same switch (route `events`), at the gateway and at the events service", async () => {
    const event = { movie_id: 1, title: "Inception", action: "viewed", user_id: ids.oa_alice };
    for (const listener of ["gateway", "events"]) {
      expectError(await call(listener, "POST", "/api/events/movie", undefined, event), 401, "UNAUTHORIZED");
      expect((await call(listener, "POST", "/api/events/movie", "oa_alice", event)).status).toBe(201);
    }
  });

  it("the admin's token says so, from AUTH_ADMIN_USERNAMES, and a refresh keeps the role", async () => {
    const login = expectReply(await call("gateway", "POST", "/api/auth/login", undefined, { username: "oa_boss", password: PASSWORD }), 200, TokenReply);
    const refreshed = expectReply(await call("gateway", "POST", "/api/auth/refresh", undefined, { refresh_token: login.refresh_token }), 200, TokenReply);
    const role = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).role;
    expect([role(login.access_token), role(refreshed.access_token), role(tokens.oa_alice!)]).toEqual(["admin", "admin", "user"]);
  });
});

// The legacy default: no route requires authentication, and the answers are the legacy ones whoever asks.
describe("with authentication off for every route (the legacy default)", () => {
  let t: TestApp;
  beforeAll(async () => void (t = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS })));
  afterAll(() => t?.close());

  it("a forged X-User-Id changes nothing, and a valid token sees what an anonymous legacy caller sees", async () => {
    const ann = expectReply(await t.call("POST", "/api/users", { username: "legacy_ann", email: "ann@legacy.example" }), 201, User);
    const bob = expectReply(await t.call("POST", "/api/users", { username: "legacy_bob", email: "bob@legacy.example" }), 201, User);
    expectReply(await t.call("POST", "/api/payments", { user_id: bob.id, amount: 3 }, { "x-user-id": String(ann.id) }), 201, Payment);
    const annToken = { authorization: `Bearer ${await forgedToken({ sub: String(ann.id) })}` };
    for (const path of ["/api/payments", `/api/payments?user_id=${bob.id}`, "/api/users", `/api/users?id=${bob.id}`, "/api/subscriptions"]) {
      const anonymous = await t.call("GET", path);
      expect(anonymous.status).toBe(200);
      for (const headers of [{ "x-user-id": String(ann.id) }, annToken]) expect((await t.call("GET", path, undefined, headers)).body).toEqual(anonymous.body);
    }
    expect(expectReply(await t.call("POST", "/api/payments", { user_id: bob.id, amount: 4 }, annToken), 201, Payment).user_id).toBe(bob.id);
  });
});
