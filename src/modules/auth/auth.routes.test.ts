import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { forgedToken, TEST_KEYS, unsignedToken } from "../../testing/test-tokens.ts";
import { User } from "../users/index.ts";
import { Me, TokenReply } from "./auth.contract.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS, AUTH_LOGIN_LIMIT_PER_USER: "4" })));
afterAll(() => t.close());

const register = (username: string, password = "correct horse battery") =>
  t.call("POST", "/api/auth/register", { username, email: `${username}@auth.example`, password });
const login = (username: string, password = "correct horse battery", headers: Record<string, string> = {}) =>
  t.call("POST", "/api/auth/login", { username, password }, headers);
const tokensOf = async (username: string) => expectReply(await login(username), 200, TokenReply);
const me = (token: string) => t.call("GET", "/api/auth/me", undefined, { authorization: `Bearer ${token}` });
const refresh = (refreshToken: string) => t.call("POST", "/api/auth/refresh", { refresh_token: refreshToken });
const BAD_LOGIN = "username or password is wrong";

// One login shared by the cases that spoil a token: a login per case would run into the per-user limit.
let goodToken: Promise<string> | undefined;
const aGoodToken = () => (goodToken ??= register("auth_tok").then(async () => (await tokensOf("auth_tok")).access_token));

describe("register, login, me", () => {
  it("registers through the users port, logs in with username or email, and answers me", async () => {
    const created = expectReply(await register("auth_ann"), 201, User);
    expect(created).toEqual({ id: expect.any(Number), username: "auth_ann", email: "auth_ann@auth.example" });
    expect(expectReply(await t.call("GET", `/api/users?id=${created.id}`), 200, User)).toEqual(created);

    const tokens = await tokensOf("auth_ann");
    expect(tokens).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer", expires_in: 900 });
    expect(expectReply(await me(tokens.access_token), 200, Me)).toEqual(created);
    expect(await tokensOf("AUTH_ANN@auth.example")).toMatchObject({ token_type: "Bearer" });
  });

  it.each([
    ["a short password", "short", "password: must be at least 10 characters"],
    ["a repeated character", "aaaaaaaaaaaa", "password: must not be one or two characters repeated"],
    ["no password", undefined, "password: is required"],
    ["a common password", "password123", "password: is too easy to guess"],
    ["a keyboard run", "qwertyuiop", "password: is too easy to guess"],
    ["a light variation of a common one", "iloveyou123", "password: is too easy to guess"],
    ["the username and a year", "auth_weak2024", "password: is too easy to guess"],
  ])("refuses %s with 400 and creates nobody", async (_what, password, message) => {
    const reply = await t.call("POST", "/api/auth/register", { username: "auth_weak", email: "weak@auth.example", password });
    expectError(reply, 400, "INVALID_INPUT", expect.stringContaining(message));
    expect(expectReply(await t.call("GET", "/api/users?login=auth_weak"), 200, z.array(User))).toEqual([]);
  });

  it("answers 409 for a taken username", async () => {
    await register("auth_dup");
    expectError(await register("auth_dup"), 409, "CONFLICT", "username 'auth_dup' is already taken");
  });

  it("gives the same 401 for a wrong password and an unknown user", async () => {
    await register("auth_bob");
    expectError(await login("auth_bob", "not the password at all"), 401, "UNAUTHORIZED", BAD_LOGIN);
    expectError(await login("auth_nobody_here", "not the password at all"), 401, "UNAUTHORIZED", BAD_LOGIN);
  });

  it.each([
    ["tampered", async (token: string) => `${token.slice(0, -4)}AAAA`],
    ["expired", async () => forgedToken({ sub: "1", exp: Math.floor(Date.now() / 1000) - 10 })],
    ["for another audience", async () => forgedToken({ sub: "1", aud: "someone-else" })],
    ["from another issuer", async () => forgedToken({ sub: "1", iss: "evil" })],
    ["signed with an unknown key", async () => forgedToken({ sub: "1", secret: "another-secret-0123456789-0123456789-xyz" })],
    ["unsigned (alg none)", async () => unsignedToken("1")],
  ])("refuses a %s token on me with 401", async (_what, make) => {
    const reply = await me(await make(await aGoodToken()));
    expectError(reply, 401, "UNAUTHORIZED");
    expect(reply.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("honours a token signed with an older key still in the ring (rotation)", async () => {
    const user = expectReply(await register("auth_rot"), 201, User);
    const old = await forgedToken({ sub: String(user.id), kid: "k2025", secret: "older-test-secret-0123456789-abcdefghij" });
    expect(expectReply(await me(old), 200, Me)).toEqual(user);
  });

  it("answers 401 without a token", async () => {
    expectError(await t.call("GET", "/api/auth/me"), 401, "UNAUTHORIZED", "a bearer token is required");
  });
});

describe("refresh and logout", () => {
  it("rotates the refresh token; reusing a rotated one revokes the whole family", async () => {
    await register("auth_carol");
    const first = await tokensOf("auth_carol");
    const second = expectReply(await refresh(first.refresh_token), 200, TokenReply);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(expectReply(await me(second.access_token), 200, Me)).toMatchObject({ username: "auth_carol" });

    expectError(await refresh(first.refresh_token), 401, "UNAUTHORIZED", expect.stringContaining("already used"));
    // The thief's replay also ended the legitimate holder's session.
    expectError(await refresh(second.refresh_token), 401, "UNAUTHORIZED");
    // Another login is a new family and works.
    expectReply(await refresh((await tokensOf("auth_carol")).refresh_token), 200, TokenReply);
  });

  it("logs out: the refresh token stops working; an unknown token is not an error", async () => {
    await register("auth_dave");
    const tokens = await tokensOf("auth_dave");
    const loggedOut = await t.call("POST", "/api/auth/logout", { refresh_token: tokens.refresh_token });
    expect(loggedOut).toMatchObject({ status: 204, body: "" });
    expectError(await refresh(tokens.refresh_token), 401, "UNAUTHORIZED", "refresh token is not valid");
    expect(await t.call("POST", "/api/auth/logout", { refresh_token: "never-issued" })).toMatchObject({ status: 204, body: "" });
  });

  it("refuses a refresh token nobody issued", async () => {
    expectError(await refresh("forged"), 401, "UNAUTHORIZED", "refresh token is not valid");
    expectError(await t.call("POST", "/api/auth/refresh", {}), 400, "INVALID_INPUT", "refresh_token: is required");
  });
});

describe("login limits", () => {
  it("answers 429 with Retry-After once a user's attempts are spent, right password or not", async () => {
    await register("auth_erin");
    for (let i = 0; i < 4; i++) expectError(await login("auth_erin", "wrong password here"), 401, "UNAUTHORIZED", BAD_LOGIN);
    const limited = await login("auth_erin");
    expectError(limited, 429, "TOO_MANY_REQUESTS", "too many login attempts; try again later");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });

  it("limits per client address too", async () => {
    const limitedByAddress = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS, AUTH_LOGIN_LIMIT_PER_ADDRESS: "3" });
    try {
      const attempt = (username: string, address: string) =>
        limitedByAddress.call("POST", "/api/auth/login", { username, password: "x" }, { "x-forwarded-for": address });
      for (const name of ["a1", "a2", "a3"]) expectError(await attempt(name, "203.0.113.77"), 401, "UNAUTHORIZED", BAD_LOGIN);
      expectError(await attempt("a4", "203.0.113.77"), 429, "TOO_MANY_REQUESTS");
      expectError(await attempt("a4", "198.51.100.1"), 401, "UNAUTHORIZED", BAD_LOGIN);
    } finally {
      await limitedByAddress.close();
    }
  });
});
