import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { forgedToken, TEST_KEYS, unsignedToken } from "../../testing/test-tokens.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS, AUTH_LOGIN_LIMIT_PER_USER: "4" })));
afterAll(() => t.close());

const register = (username: string, password = "correct horse battery") =>
  t.call("POST", "/api/auth/register", { username, email: `${username}@auth.example`, password });
const login = (username: string, password = "correct horse battery", headers: Record<string, string> = {}) =>
  t.call("POST", "/api/auth/login", { username, password }, headers);
const me = (token: string) => t.call("GET", "/api/auth/me", undefined, { authorization: `Bearer ${token}` });

describe("register, login, me", () => {
  it("registers through the users port, logs in with username or email, and answers me", async () => {
    const created = await register("auth_ann");
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), username: "auth_ann", email: "auth_ann@auth.example" });
    expect((await t.call("GET", `/api/users?id=${created.body.id}`)).body).toEqual(created.body);

    const tokens = await login("auth_ann");
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer", expires_in: 900 });
    expect(await me(tokens.body.access_token)).toMatchObject({ status: 200, body: created.body });
    expect((await login("AUTH_ANN@auth.example")).status).toBe(200);
  });

  it.each([
    ["a short password", "short", "password: must be at least 10 characters"],
    ["a repeated character", "aaaaaaaaaaaa", "password: must not be one or two characters repeated"],
    ["no password", undefined, "password: is required"],
  ])("refuses %s with 400 and creates nobody", async (_what, password, message) => {
    const reply = await t.call("POST", "/api/auth/register", { username: "auth_weak", email: "weak@auth.example", password });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toContain(message);
    expect((await t.call("GET", "/api/users?login=auth_weak")).body).toEqual([]);
  });

  it("answers 409 for a taken username", async () => {
    await register("auth_dup");
    expect((await register("auth_dup")).status).toBe(409);
  });

  it("gives the same 401 for a wrong password and an unknown user", async () => {
    await register("auth_bob");
    const wrong = await login("auth_bob", "not the password at all");
    const unknown = await login("auth_nobody_here", "not the password at all");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toBe("username or password is wrong");
    expect(unknown.body.error).toBe(wrong.body.error);
  });

  it.each([
    ["tampered", async (token: string) => `${token.slice(0, -4)}AAAA`],
    ["expired", async () => forgedToken({ sub: "1", exp: Math.floor(Date.now() / 1000) - 10 })],
    ["for another audience", async () => forgedToken({ sub: "1", aud: "someone-else" })],
    ["from another issuer", async () => forgedToken({ sub: "1", iss: "evil" })],
    ["signed with an unknown key", async () => forgedToken({ sub: "1", secret: "another-secret-0123456789-0123456789-xyz" })],
    ["unsigned (alg none)", async () => unsignedToken("1")],
  ])("refuses a %s token on me with 401", async (_what, make) => {
    await register("auth_tok");
    const good = (await login("auth_tok")).body.access_token as string;
    const reply = await me(await make(good));
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe("UNAUTHORIZED");
    expect(reply.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("honours a token signed with an older key still in the ring (rotation)", async () => {
    const user = (await register("auth_rot")).body;
    const old = await forgedToken({ sub: String(user.id), kid: "k2025", secret: "older-test-secret-0123456789-abcdefghij" });
    expect(await me(old)).toMatchObject({ status: 200, body: { username: "auth_rot" } });
  });

  it("answers 401 without a token", async () => {
    expect((await t.call("GET", "/api/auth/me")).status).toBe(401);
  });
});

describe("refresh and logout", () => {
  it("rotates the refresh token; reusing a rotated one revokes the whole family", async () => {
    await register("auth_carol");
    const first = (await login("auth_carol")).body;
    const second = await t.call("POST", "/api/auth/refresh", { refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.body.access_token)).status).toBe(200);

    const replay = await t.call("POST", "/api/auth/refresh", { refresh_token: first.refresh_token });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toContain("already used");
    // The thief's replay also ended the legitimate holder's session.
    expect((await t.call("POST", "/api/auth/refresh", { refresh_token: second.body.refresh_token })).status).toBe(401);
    // Another login is a new family and works.
    expect((await t.call("POST", "/api/auth/refresh", { refresh_token: (await login("auth_carol")).body.refresh_token })).status).toBe(200);
  });

  it("logs out: the refresh token stops working; an unknown token is not an error", async () => {
    await register("auth_dave");
    const tokens = (await login("auth_dave")).body;
    expect((await t.call("POST", "/api/auth/logout", { refresh_token: tokens.refresh_token })).status).toBe(204);
    expect((await t.call("POST", "/api/auth/refresh", { refresh_token: tokens.refresh_token })).status).toBe(401);
    expect((await t.call("POST", "/api/auth/logout", { refresh_token: "never-issued" })).status).toBe(204);
  });

  it("refuses a refresh token nobody issued", async () => {
    expect((await t.call("POST", "/api/auth/refresh", { refresh_token: "forged" })).status).toBe(401);
    expect((await t.call("POST", "/api/auth/refresh", {})).status).toBe(400);
  });
});

describe("login limits", () => {
  it("answers 429 with Retry-After once a user's attempts are spent, right password or not", async () => {
    await register("auth_erin");
    for (let i = 0; i < 4; i++) expect((await login("auth_erin", "wrong password here")).status).toBe(401);
    const limited = await login("auth_erin");
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("TOO_MANY_REQUESTS");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });

  it("limits per client address too", async () => {
    const limitedByAddress = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS, AUTH_LOGIN_LIMIT_PER_ADDRESS: "3" });
    try {
      const from = { "x-forwarded-for": "203.0.113.77" };
      for (const name of ["a1", "a2", "a3"]) expect((await limitedByAddress.call("POST", "/api/auth/login", { username: name, password: "x" }, from)).status).toBe(401);
      expect((await limitedByAddress.call("POST", "/api/auth/login", { username: "a4", password: "x" }, from)).status).toBe(429);
      expect((await limitedByAddress.call("POST", "/api/auth/login", { username: "a4", password: "x" }, { "x-forwarded-for": "198.51.100.1" })).status).toBe(401);
    } finally {
      await limitedByAddress.close();
    }
  });
});
