import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { User } from "../users/index.ts";
import { Payment } from "./payments.contract.ts";

let t: TestApp;
let ann: number;
beforeAll(async () => {
  t = await startTestApp();
  ann = expectReply(await t.call("POST", "/api/users", { username: "cents_ann", email: "ann@cents.example" }), 201, User).id;
});
afterAll(() => t.close());

// The column is numeric(12, 2): an amount it would round or refuse is the client's error, said as such.
describe("POST /api/payments with amounts the column cannot keep exactly", () => {
  it.each([
    [1e-10, "amount: must have at most 2 decimal places"],
    [1e-7, "amount: must have at most 2 decimal places"],
    [0.001, "amount: must have at most 2 decimal places"],
    [0.005, "amount: must have at most 2 decimal places"],
    [12.345, "amount: must have at most 2 decimal places"],
    [0.30000000000000004, "amount: must have at most 2 decimal places"],
    [10_000_000_000, "amount: must be at most 9999999999.99"],
    [1e300, "amount: must be at most 9999999999.99"],
  ])("answers 400 for %s", async (amount, message) => {
    expectError(await t.call("POST", "/api/payments", { user_id: ann, amount }), 400, "INVALID_INPUT", expect.stringContaining(message));
  });

  it.each([0.01, 0.1, 0.57, 1234.5, 9_999_999_999.99])("keeps %s exactly, in the reply and when read back", async (amount) => {
    const payment = expectReply(await t.call("POST", "/api/payments", { user_id: ann, amount }), 201, Payment);
    expect(payment.amount).toBe(amount);
    expect(expectReply(await t.call("GET", `/api/payments?id=${payment.id}`), 200, Payment).amount).toBe(amount);
  });
});

describe("/api/payments with ids beyond the integer column", () => {
  it.each([
    [{ user_id: 1e20, amount: 1 }, "user_id: must be a whole number"],
    [{ user_id: 2_147_483_648, amount: 1 }, "user_id: must be at most 2147483647"],
  ])("answers 400 for %j", async (body, message) => {
    expectError(await t.call("POST", "/api/payments", body), 400, "INVALID_INPUT", expect.stringContaining(message));
  });

  it.each(["?id=99999999999", "?user_id=99999999999", "?limit=99999999999999999999", "?offset=99999999999999999999"])("answers 400 for %s", async (query) => {
    expectError(await t.call("GET", `/api/payments${query}`), 400, "INVALID_INPUT");
  });
});
