import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { User } from "./users.contract.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp()));
afterAll(() => t.close());

const Users = z.array(User);
const allUsers = async () => expectReply(await t.call("GET", "/api/users"), 200, Users);

describe("POST /api/users", () => {
  it("answers 201 with the created user, which GET ?id= and GET all then return", async () => {
    const created = expectReply(await t.call("POST", "/api/users", { username: "route_ann", email: "ann@route.example" }), 201, User);
    expect(created).toEqual({ id: expect.any(Number), username: "route_ann", email: "ann@route.example" });
    expect(expectReply(await t.call("GET", `/api/users?id=${created.id}`), 200, User)).toEqual(created);
    expect(await allUsers()).toContainEqual(created);
  });

  it("takes a JSON body sent as a form or as text/plain, as the legacy monolith did", async () => {
    for (const [type, username] of [["application/x-www-form-urlencoded", "route_curl"], ["text/plain", "route_text"]] as const) {
      const body = JSON.stringify({ username, email: `${username}@route.example` });
      const created = expectReply(await t.call("POST", "/api/users", body, { "content-type": type }), 201, User);
      expect(created).toEqual({ id: expect.any(Number), username, email: `${username}@route.example` });
    }
  });

  it.each([
    ["malformed JSON", "{bad", "body: is not valid JSON"],
    ["a JSON array", "[]", "body: must be a JSON object"],
    ["JSON null", "null", "body: must be a JSON object"],
    ["no fields", {}, "username: is required; email: is required"],
    ["a number as username", { username: 5, email: "a@b.example" }, "username: must be a string"],
    ["a bad email", { username: "route_x", email: "not-an-email" }, "email: must be a valid email address"],
    ["an empty username", { username: "  ", email: "e@route.example" }, "username: must not be empty"],
    ["a username with spaces", { username: "a b", email: "e@route.example" }, "username: may hold only"],
  ])("answers 400 for %s, naming the field, and creates nothing", async (_what, body, message) => {
    const before = (await allUsers()).length;
    expectError(await t.call("POST", "/api/users", body), 400, "INVALID_INPUT", expect.stringContaining(message));
    expect(await allUsers()).toHaveLength(before);
  });

  it("answers 409 for a taken username or email, whatever its case", async () => {
    await t.call("POST", "/api/users", { username: "route_dup", email: "dup@route.example" });
    const name = await t.call("POST", "/api/users", { username: "ROUTE_DUP", email: "other@route.example" });
    expectError(name, 409, "CONFLICT", "username 'ROUTE_DUP' is already taken");
    const mail = await t.call("POST", "/api/users", { username: "route_dup2", email: "Dup@Route.example" });
    expectError(mail, 409, "CONFLICT", "email 'Dup@Route.example' is already registered");
  });

  it("answers 415 for a body declared as another media type", async () => {
    expectError(await t.call("POST", "/api/users", "<user/>", { "content-type": "application/xml" }), 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 413 for a body over 1 MiB", async () => {
    const reply = await t.call("POST", "/api/users", { username: "big", email: "big@route.example", pad: "x".repeat(1_100_000) });
    expectError(reply, 413, "PAYLOAD_TOO_LARGE", "body: larger than 1048576 bytes");
  });
});

describe("GET /api/users", () => {
  it("answers 404 with a JSON error for an id nobody has", async () => {
    const reply = await t.call("GET", "/api/users?id=424242");
    const envelope = expectError(reply, 404, "NOT_FOUND", "user 424242 not found");
    expect(envelope).toEqual({ error: "user 424242 not found", code: "NOT_FOUND", requestId: expect.any(String) });
  });

  it.each(["abc", "1.5", "-3", "0", "1e3", "99999999999"])("answers 400 naming id for ?id=%s", async (id) => {
    expectError(await t.call("GET", `/api/users?id=${id}`), 400, "INVALID_INPUT", expect.stringMatching(/^id: /));
  });

  it("pages with limit and offset in id order, and refuses bad ones", async () => {
    const all = await allUsers();
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(expectReply(await t.call("GET", "/api/users?limit=2&offset=1"), 200, Users)).toEqual(all.slice(1, 3));
    expectError(await t.call("GET", "/api/users?limit=0"), 400, "INVALID_INPUT", "limit: must be a whole number from 1 to 1000");
    expectError(await t.call("GET", "/api/users?offset=-1"), 400, "INVALID_INPUT", expect.stringMatching(/^offset: /));
  });

  it("treats an empty ?id= as absent, as legacy clients send it", async () => {
    expect(expectReply(await t.call("GET", "/api/users?id="), 200, Users)).toEqual(await allUsers());
  });

  it("answers 405 with Allow for another method", async () => {
    const reply = await t.call("DELETE", "/api/users");
    expectError(reply, 405, "METHOD_NOT_ALLOWED", "DELETE is not allowed on /api/users; allowed: GET, HEAD, POST");
    expect(reply.headers.get("allow")).toBe("GET, HEAD, POST");
  });
});
