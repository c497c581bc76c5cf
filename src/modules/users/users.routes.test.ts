import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp()));
afterAll(() => t.close());

describe("POST /api/users", () => {
  it("answers 201 with the created user, which GET ?id= and GET all then return", async () => {
    const created = await t.call("POST", "/api/users", { username: "route_ann", email: "ann@route.example" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), username: "route_ann", email: "ann@route.example" });
    expect((await t.call("GET", `/api/users?id=${created.body.id}`)).body).toEqual(created.body);
    expect((await t.call("GET", "/api/users")).body).toContainEqual(created.body);
  });

  it("takes a JSON body sent as a form or as text/plain, as the legacy monolith did", async () => {
    const body = JSON.stringify({ username: "route_curl", email: "curl@route.example" });
    const reply = await t.call("POST", "/api/users", body, { "content-type": "application/x-www-form-urlencoded" });
    expect(reply.status).toBe(201);
    expect(reply.body.username).toBe("route_curl");
  });

  it.each([
    ["malformed JSON", "{bad", "Malformed JSON"],
    ["a JSON array", "[]", "body: must be a JSON object"],
    ["JSON null", "null", "body: must be a JSON object"],
    ["no fields", {}, "username: is required; email: is required"],
    ["a number as username", { username: 5, email: "a@b.example" }, "username: must be a string"],
    ["a bad email", { username: "route_x", email: "not-an-email" }, "email: must be a valid email address"],
    ["an empty username", { username: "  ", email: "e@route.example" }, "username: must not be empty"],
    ["a username with spaces", { username: "a b", email: "e@route.example" }, "username: may hold only"],
  ])("answers 400 for %s, naming the field, and creates nothing", async (_what, body, message) => {
    const before = (await t.call("GET", "/api/users")).body.length;
    const reply = await t.call("POST", "/api/users", body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: "INVALID_INPUT", error: expect.stringContaining(message) });
    expect((await t.call("GET", "/api/users")).body).toHaveLength(before);
  });

  it("answers 409 for a taken username or email, whatever its case", async () => {
    await t.call("POST", "/api/users", { username: "route_dup", email: "dup@route.example" });
    const name = await t.call("POST", "/api/users", { username: "ROUTE_DUP", email: "other@route.example" });
    expect(name.status).toBe(409);
    expect(name.body.error).toBe("username 'ROUTE_DUP' is already taken");
    const mail = await t.call("POST", "/api/users", { username: "route_dup2", email: "Dup@Route.example" });
    expect(mail.status).toBe(409);
    expect(mail.body.error).toBe("email 'Dup@Route.example' is already registered");
  });

  it("answers 415 for a body declared as another media type", async () => {
    const reply = await t.call("POST", "/api/users", "<user/>", { "content-type": "application/xml" });
    expect(reply.status).toBe(415);
    expect(reply.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 413 for a body over 1 MiB", async () => {
    const reply = await t.call("POST", "/api/users", { username: "big", email: "big@route.example", pad: "x".repeat(1_100_000) });
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("GET /api/users", () => {
  it("answers 404 with a JSON error for an id nobody has", async () => {
    const reply = await t.call("GET", "/api/users?id=424242");
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: "user 424242 not found", code: "NOT_FOUND", requestId: expect.any(String) });
    expect(reply.headers.get("x-request-id")).toBe(reply.body.requestId);
  });

  it.each(["abc", "1.5", "-3", "0", "1e3", "99999999999"])("answers 400 naming id for ?id=%s", async (id) => {
    const reply = await t.call("GET", `/api/users?id=${id}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/^id: /);
  });

  it("pages with limit and offset in id order, and refuses bad ones", async () => {
    const all = (await t.call("GET", "/api/users")).body as { id: number }[];
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect((await t.call("GET", "/api/users?limit=2&offset=1")).body).toEqual(all.slice(1, 3));
    expect((await t.call("GET", "/api/users?limit=0")).body.error).toBe("limit: must be a whole number from 1 to 1000");
    expect((await t.call("GET", "/api/users?offset=-1")).status).toBe(400);
  });

  it("treats an empty ?id= as absent, as legacy clients send it", async () => {
    const reply = await t.call("GET", "/api/users?id=");
    expect(reply.status).toBe(200);
    expect(Array.isArray(reply.body)).toBe(true);
  });

  it("answers 405 with Allow for another method", async () => {
    const reply = await t.call("DELETE", "/api/users");
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(reply.body.code).toBe("METHOD_NOT_ALLOWED");
  });
});
