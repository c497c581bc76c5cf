import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { User } from "../users/index.ts";
import { Subscription } from "./subscriptions.contract.ts";

let t: TestApp;
let ann: number;
beforeAll(async () => {
  t = await startTestApp();
  ann = expectReply(await t.call("POST", "/api/users", { username: "dates_ann", email: "ann@dates.example" }), 201, User).id;
});
afterAll(() => t.close());

const plan = (fields: Record<string, unknown>) => ({ user_id: ann, plan_type: "premium", start_date: "2023-01-01T00:00:00Z", end_date: "2023-12-31T23:59:59Z", ...fields });

describe("POST /api/subscriptions with dates at the edges of the calendar", () => {
  it.each([
    ["0001-01-01", "0001-01-01T00:00:00.000Z"],
    ["0050-06-15T12:00:00Z", "0050-06-15T12:00:00.000Z"],
    ["0099-12-31T23:59:59.999Z", "0099-12-31T23:59:59.999Z"],
    ["0001-01-01T00:00:00-12:00", "0001-01-01T12:00:00.000Z"],
    ["1850-01-01T00:00:00+02:30", "1849-12-31T21:30:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
  ])("keeps %s as the instant %s, in the reply, by id and in the list", async (date, instant) => {
    const created = expectReply(await t.call("POST", "/api/subscriptions", plan({ start_date: date, end_date: date })), 201, Subscription);
    expect(created).toMatchObject({ start_date: instant, end_date: instant });
    expect(expectReply(await t.call("GET", `/api/subscriptions?id=${created.id}`), 200, Subscription)).toEqual(created);
    expect(expectReply(await t.call("GET", `/api/subscriptions?user_id=${ann}`), 200, z.array(Subscription))).toContainEqual(created);
  });

  it.each([
    ["year 0000", "0000-06-01"],
    ["an offset that moves 0001-01-01 into year 0000", "0001-01-01T00:00:00+14:00"],
    ["an offset that moves 9999-12-31 into year 10000", "9999-12-31T23:59:59-12:00"],
  ])("answers 400 for %s", async (_what, date) => {
    const reply = await t.call("POST", "/api/subscriptions", plan({ start_date: date, end_date: "9999-12-31" }));
    expectError(reply, 400, "INVALID_INPUT", expect.stringContaining("start_date: must be from 0001-01-01 to 9999-12-31 in UTC"));
  });

  it("answers 400 for a five-digit year", async () => {
    expectError(await t.call("POST", "/api/subscriptions", plan({ end_date: "10000-01-01" })), 400, "INVALID_INPUT", expect.stringContaining("end_date: must be an ISO 8601 date"));
  });
});

describe("POST /api/subscriptions with a plan type the database cannot keep", () => {
  it.each([
    ["a NUL", "premium\u0000", "plan_type: must not contain the NUL character (U+0000)"],
    ["only whitespace", " \n ", "plan_type: must not be empty"],
  ])("answers 400 for %s", async (_what, planType, message) => {
    expectError(await t.call("POST", "/api/subscriptions", plan({ plan_type: planType })), 400, "INVALID_INPUT", message);
  });
});
