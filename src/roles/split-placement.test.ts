import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRole } from "./run-role.ts";
import { startTestRole } from "../testing/test-platform.ts";
import { forgedToken, TEST_KEYS } from "../testing/test-tokens.ts";

// Placement by configuration alone: a monolith whose users port is a users-only process elsewhere.
describe("monolith with USERS_SERVICE_URL", () => {
  let users: RunningRole;
  let monolith: RunningRole;
  let usersUrl: string;
  let monolithUrl: string;
  beforeAll(async () => {
    users = await startTestRole("users");
    usersUrl = `http://127.0.0.1:${users.ports.users}`;
    monolith = await startTestRole("monolith", { USERS_SERVICE_URL: usersUrl });
    monolithUrl = `http://127.0.0.1:${monolith.ports.monolith}`;
  });
  afterAll(async () => {
    await monolith.stop();
    await users.stop();
  });

  it("binds the users port to the remote client and the rest in-process", () => {
    expect(monolith.platform!.placement).toEqual({ users: usersUrl, movies: "in-process", payments: "in-process", events: "in-process", auth: "in-process" });
    // The users service itself never calls itself, whatever URL it is given.
    expect(users.platform!.placement.users).toBe("in-process");
  });

  it("creates a user through the monolith in the users service, and pays for it asking the remote users port", async () => {
    const created = await fetch(`${monolithUrl}/api/users`, { method: "POST", body: JSON.stringify({ username: "split_ann", email: "ann@split.example" }) });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: number };
    expect(await (await fetch(`${usersUrl}/api/users?id=${user.id}`)).json()).toMatchObject({ username: "split_ann" });

    const paid = await fetch(`${monolithUrl}/api/payments`, { method: "POST", body: JSON.stringify({ user_id: user.id, amount: 5 }) });
    expect(paid.status).toBe(201);
    const unknown = await fetch(`${monolithUrl}/api/payments`, { method: "POST", body: JSON.stringify({ user_id: 424_242, amount: 5 }) });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "NOT_FOUND", error: "user 424242 not found" });
  });

  it("answers 503 naming the users service when it is down, not a 404 or a 500", async () => {
    const down = await startTestRole("monolith", { USERS_SERVICE_URL: "http://127.0.0.1:1" });
    try {
      const res = await fetch(`http://127.0.0.1:${down.ports.monolith}/api/payments`, { method: "POST", body: JSON.stringify({ user_id: 1, amount: 5 }) });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: "UNAVAILABLE", error: expect.stringContaining("users-service unavailable") });
    } finally {
      await down.stop();
    }
  });
});

// A remote hop carries the caller's own token, and the called service verifies it and applies its rules.
describe("monolith with USERS_SERVICE_URL, users and payments closed", () => {
  let users: RunningRole;
  let monolith: RunningRole;
  let usersUrl: string;
  let monolithUrl: string;
  const closed = { AUTH_JWT_KEYS: TEST_KEYS, GATEWAY_REQUIRE_AUTH: "users,payments" };
  beforeAll(async () => {
    users = await startTestRole("users", closed);
    usersUrl = `http://127.0.0.1:${users.ports.users}`;
    monolith = await startTestRole("monolith", { ...closed, USERS_SERVICE_URL: usersUrl });
    monolithUrl = `http://127.0.0.1:${monolith.ports.monolith}`;
  });
  afterAll(async () => {
    await monolith?.stop();
    await users?.stop();
  });

  it("pays as the user through the monolith, whose remote users call passes the user's token on", async () => {
    const admin = { authorization: `Bearer ${await forgedToken({ sub: "1", role: "admin" })}` };
    const created = await fetch(`${usersUrl}/api/users`, { method: "POST", headers: admin, body: JSON.stringify({ username: "hop_ann", email: "ann@hop.example" }) });
    expect(created.status).toBe(201);
    const ann = (await created.json()) as { id: number };
    const asAnn = { authorization: `Bearer ${await forgedToken({ sub: String(ann.id) })}` };

    const paid = await fetch(`${monolithUrl}/api/payments`, { method: "POST", headers: asAnn, body: JSON.stringify({ user_id: ann.id, amount: 5 }) });
    expect(paid.status).toBe(201);
    // Anonymous, or with a forged X-User-Id, the remote users service is never even asked.
    const forged = await fetch(`${monolithUrl}/api/payments`, { method: "POST", headers: { "x-user-id": String(ann.id) }, body: JSON.stringify({ user_id: ann.id, amount: 5 }) });
    expect(forged.status).toBe(401);
  });
});
