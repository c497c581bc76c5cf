import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp()));
afterAll(() => t.close());

describe("/api/users with text the database cannot compare", () => {
  it("answers 400 for a NUL in ?login=", async () => {
    expectError(await t.call("GET", "/api/users?login=ann%00"), 400, "INVALID_INPUT", "login: must not contain the NUL character (U+0000)");
  });

  it.each([
    ["a NUL in the username", { username: "ann\u0000", email: "ann@nul.example" }, "username: must not contain the NUL character (U+0000)"],
    ["a NUL in the email", { username: "ann", email: "ann\u0000@nul.example" }, "email: must not contain the NUL character (U+0000)"],
    ["an empty email", { username: "ann", email: " " }, "email: must not be empty"],
  ])("answers 400 for %s", async (_what, body, message) => {
    expectError(await t.call("POST", "/api/users", body), 400, "INVALID_INPUT", expect.stringContaining(message));
  });
});
