import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { forgedToken, TEST_KEYS } from "../../testing/test-tokens.ts";

let t: TestApp;
const logged: unknown[] = [];
beforeAll(async () => {
  t = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS });
  const warn = t.platform.log.warn.bind(t.platform.log);
  t.platform.log.warn = ((...args: Parameters<typeof warn>) => {
    logged.push(args[0]);
    return warn(...args);
  }) as typeof warn;
});
afterAll(() => t.close());

const me = (token: string) => t.call("GET", "/api/auth/me", undefined, { authorization: `Bearer ${token}` });

describe("GET /api/auth/me with a well-signed token that names no user id", () => {
  it.each(["abc", "-1", "0", "1.5", "1e9999", "99999999999", " 7", "0x10"])("answers 401 for the subject %j, asking nothing of the database", async (sub) => {
    expectError(await me(await forgedToken({ sub })), 401, "UNAUTHORIZED", "bearer token refused: token not valid");
  });
});

describe("GET /api/auth/me says why a token is refused in words of its own", () => {
  it("answers the same message for any malformed token, and logs what the JWT library said", async () => {
    logged.length = 0;
    expectError(await me("abc"), 401, "UNAUTHORIZED", "bearer token refused: token not valid");
    expectError(await me("a.b.c"), 401, "UNAUTHORIZED", "bearer token refused: token not valid");
    expect(logged).toContainEqual(expect.objectContaining({ code: "UNAUTHORIZED", detail: "Invalid Compact JWS" }));
  });

  it("tells an expired token apart, so that the client refreshes it", async () => {
    const expired = await forgedToken({ sub: "1", exp: Math.floor(Date.now() / 1000) - 10 });
    expectError(await me(expired), 401, "UNAUTHORIZED", "bearer token refused: token expired");
  });
});

describe("/api/auth with text the database cannot compare", () => {
  it.each([
    ["/api/auth/login", { username: "ann\u0000", password: "whatever-it-is" }, "username: must not contain the NUL character (U+0000)"],
    ["/api/auth/login", { username: "ann", password: "what\u0000ever" }, "password: must not contain the NUL character (U+0000)"],
    ["/api/auth/register", { username: "ann", email: "ann@auth.example", password: "correct\u0000horse" }, "password: must not contain the NUL character (U+0000)"],
    ["/api/auth/refresh", { refresh_token: "\u0000" }, "refresh_token: must not contain the NUL character (U+0000)"],
    ["/api/auth/logout", { refresh_token: "x\ud800" }, "refresh_token: must be valid Unicode (no unpaired surrogate)"],
  ])("answers 400 on %s for %j", async (path, body, message) => {
    expectError(await t.call("POST", path, body), 400, "INVALID_INPUT", message);
  });
});
