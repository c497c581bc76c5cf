import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { User } from "../users/index.ts";
import { Payment } from "./payments.contract.ts";

let t: TestApp;
let ann: number;
let bob: number;
beforeAll(async () => {
  t = await startTestApp();
  ann = expectReply(await t.call("POST", "/api/users", { username: "pay_ann", email: "ann@pay.example" }), 201, User).id;
  bob = expectReply(await t.call("POST", "/api/users", { username: "pay_bob", email: "bob@pay.example" }), 201, User).id;
});
afterAll(() => t.close());

const Payments = z.array(Payment);
const payments = async (query = "") => expectReply(await t.call("GET", `/api/payments${query}`), 200, Payments);

describe("/api/payments", () => {
  it("answers 201 with the payment stamped by the server in ISO 8601", async () => {
    const before = Date.now();
    const payment = expectReply(await t.call("POST", "/api/payments", { user_id: ann, amount: 9.99, timestamp: "1999-01-01T00:00:00Z" }), 201, Payment);
    expect(payment).toEqual({ id: expect.any(Number), user_id: ann, amount: 9.99, timestamp: expect.any(String) });
    const stamped = Date.parse(payment.timestamp);
    expect(payment.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(stamped).toBeGreaterThanOrEqual(before - 1000);
    expect(stamped).toBeLessThanOrEqual(Date.now() + 1000);
    expect(expectReply(await t.call("GET", `/api/payments?id=${payment.id}`), 200, Payment)).toEqual(payment);
  });

  it("filters by ?user_id= and pages", async () => {
    await t.call("POST", "/api/payments", { user_id: bob, amount: 1 });
    await t.call("POST", "/api/payments", { user_id: bob, amount: 2.5 });
    const bobs = await payments(`?user_id=${bob}`);
    expect(bobs.map((p) => p.amount)).toEqual([1, 2.5]);
    expect(bobs.every((p) => p.user_id === bob)).toBe(true);
    expect(await payments(`?user_id=${bob}&limit=1&offset=1`)).toEqual([bobs[1]]);
    expect(await payments("?user_id=55555")).toEqual([]);
  });

  it("answers 404 for a payment to a user who does not exist, and records nothing", async () => {
    const before = (await payments()).length;
    expectError(await t.call("POST", "/api/payments", { user_id: 55555, amount: 5 }), 404, "NOT_FOUND", "user 55555 not found");
    expect(await payments()).toHaveLength(before);
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
    expectError(await t.call("POST", "/api/payments", { user_id: ann, ...fields }), 400, "INVALID_INPUT", expect.stringContaining(message));
  });

  it("answers 404 for a missing id and 400 for bad query values", async () => {
    expectError(await t.call("GET", "/api/payments?id=888888"), 404, "NOT_FOUND", "payment 888888 not found");
    expectError(await t.call("GET", "/api/payments?user_id=abc"), 400, "INVALID_INPUT", expect.stringMatching(/^user_id: /));
    expectError(await t.call("GET", "/api/payments?id=-2"), 400, "INVALID_INPUT", expect.stringMatching(/^id: /));
  });
});
