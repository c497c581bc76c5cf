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
  ann = expectReply(await t.call("POST", "/api/users", { username: "sub_ann", email: "ann@sub.example" }), 201, User).id;
});
afterAll(() => t.close());

const year = { plan_type: "premium", start_date: "2023-01-01T00:00:00Z", end_date: "2023-12-31T23:59:59Z" };

describe("/api/subscriptions", () => {
  it("answers 201 with the subscription, dates in ISO 8601, readable by ?id= and ?user_id=", async () => {
    const subscription = expectReply(await t.call("POST", "/api/subscriptions", { user_id: ann, ...year }), 201, Subscription);
    expect(subscription).toEqual({
      id: expect.any(Number),
      user_id: ann,
      plan_type: "premium",
      start_date: "2023-01-01T00:00:00.000Z",
      end_date: "2023-12-31T23:59:59.000Z",
    });
    expect(expectReply(await t.call("GET", `/api/subscriptions?id=${subscription.id}`), 200, Subscription)).toEqual(subscription);
    expect(expectReply(await t.call("GET", `/api/subscriptions?user_id=${ann}`), 200, z.array(Subscription))).toContainEqual(subscription);
  });

  it("accepts equal start and end dates (legacy clients send them), bare dates, and offsets", async () => {
    const same = await t.call("POST", "/api/subscriptions", { user_id: ann, plan_type: "basic", start_date: "2024-05-01T00:00:00Z", end_date: "2024-05-01T00:00:00Z" });
    expect(expectReply(same, 201, Subscription)).toMatchObject({ start_date: "2024-05-01T00:00:00.000Z", end_date: "2024-05-01T00:00:00.000Z" });
    const bare = await t.call("POST", "/api/subscriptions", { user_id: ann, plan_type: "basic", start_date: "2024-01-01", end_date: "2024-02-01T03:00:00+03:00" });
    expect(expectReply(bare, 201, Subscription)).toMatchObject({ start_date: "2024-01-01T00:00:00.000Z", end_date: "2024-02-01T00:00:00.000Z" });
  });

  it.each([
    ["an end before the start", { end_date: "2022-12-31T00:00:00Z" }, "end_date: must not be before start_date"],
    ["an unparseable date", { start_date: "next tuesday" }, "start_date: must be an ISO 8601 date"],
    ["a date that is not on the calendar", { start_date: "2023-02-30" }, "start_date: "],
    ["a local time with no offset", { start_date: "2023-01-01T00:00:00" }, "start_date: must be an ISO 8601 date"],
    ["an empty plan", { plan_type: " " }, "plan_type: must not be empty"],
    ["no end date", { end_date: undefined }, "end_date: is required"],
  ])("answers 400 for %s", async (_what, fields, message) => {
    const reply = await t.call("POST", "/api/subscriptions", { user_id: ann, ...year, ...fields });
    expectError(reply, 400, "INVALID_INPUT", expect.stringContaining(message));
  });

  it("answers 404 for an unknown user and for a missing id", async () => {
    expectError(await t.call("POST", "/api/subscriptions", { user_id: 66666, ...year }), 404, "NOT_FOUND", "user 66666 not found");
    expectError(await t.call("GET", "/api/subscriptions?id=66666"), 404, "NOT_FOUND", "subscription 66666 not found");
  });
});
