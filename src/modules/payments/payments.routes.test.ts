import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";

let t: TestApp;
let ann: number;
let bob: number;
beforeAll(async () => {
  t = await startTestApp();
  ann = (await t.call("POST", "/api/users", { username: "pay_ann", email: "ann@pay.example" })).body.id;
  bob = (await t.call("POST", "/api/users", { username: "pay_bob", email: "bob@pay.example" })).body.id;
});
afterAll(() => t.close());

describe("/api/payments", () => {
  it("answers 201 with the payment stamped by the server in ISO 8601", async () => {
    const before = Date.now();
    const reply = await t.call("POST", "/api/payments", { user_id: ann, amount: 9.99, timestamp: "1999-01-01T00:00:00Z" });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ id: expect.any(Number), user_id: ann, amount: 9.99, timestamp: expect.any(String) });
    const stamped = Date.parse(reply.body.timestamp);
    expect(reply.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(stamped).toBeGreaterThanOrEqual(before - 1000);
    expect(stamped).toBeLessThanOrEqual(Date.now() + 1000);
    expect((await t.call("GET", `/api/payments?id=${reply.body.id}`)).body).toEqual(reply.body);
  });

  it("filters by ?user_id= and pages", async () => {
    await t.call("POST", "/api/payments", { user_id: bob, amount: 1 });
    await t.call("POST", "/api/payments", { user_id: bob, amount: 2.5 });
    const bobs = (await t.call("GET", `/api/payments?user_id=${bob}`)).body;
    expect(bobs.map((p: { amount: number }) => p.amount)).toEqual([1, 2.5]);
    expect(bobs.every((p: { user_id: number }) => p.user_id === bob)).toBe(true);
    expect((await t.call("GET", `/api/payments?user_id=${bob}&limit=1&offset=1`)).body).toEqual([bobs[1]]);
    expect((await t.call("GET", "/api/payments?user_id=55555")).body).toEqual([]);
  });

  it("answers 404 for a payment to a user who does not exist, and records nothing", async () => {
    const before = (await t.call("GET", "/api/payments")).body.length;
    const reply = await t.call("POST", "/api/payments", { user_id: 55555, amount: 5 });
    expect(reply.status).toBe(404);
    expect(reply.body.error).toBe("user 55555 not found");
    expect((await t.call("GET", "/api/payments")).body).toHaveLength(before);
  });

  it.each([
    ["a negative amount", { amount: -1 }, "amount: must be greater than 0"],
    ["a zero amount", { amount: 0 }, "amount: must be greater than 0"],
    ["an amount as a string", { amount: "9.99" }, "amount: must be a number"],
    ["fractions of a cent", { amount: 1.234 }, "amount: must have at most 2 decimal places"],
    ["a user id as a string", { user_id: "1", amount: 1 }, "user_id: must be a number"],
    ["a fractional user id", { user_id: 1.5, amount: 1 }, "user_id: must be a whole number"],
    ["no user id", { user_id: undefined, amount: 1 }, "user_id: is required"],
  ])("answers 400 for %s", async (_what, fields, message) => {
    const reply = await t.call("POST", "/api/payments", { user_id: ann, ...fields });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toContain(message);
  });

  it("answers 404 for a missing id and 400 for bad query values", async () => {
    expect((await t.call("GET", "/api/payments?id=888888")).body).toMatchObject({ code: "NOT_FOUND", error: "payment 888888 not found" });
    expect((await t.call("GET", "/api/payments?user_id=abc")).body.error).toMatch(/^user_id: /);
    expect((await t.call("GET", "/api/payments?id=-2")).status).toBe(400);
  });
});
