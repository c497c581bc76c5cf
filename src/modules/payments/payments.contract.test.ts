import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../contracts/app-error.ts";
import { implementationsOf } from "../../testing/port-implementations.ts";
import { USERS_API } from "../users/index.ts";
import { PAYMENTS_API, PaymentsClient, SUBSCRIPTIONS_API, SubscriptionsClient, type PaymentsApi, type SubscriptionsApi } from "./index.ts";

describe.each(implementationsOf(PAYMENTS_API, "payments", "payments", (http) => new PaymentsClient(http)))("PaymentsApi (%s)", (_name, start) => {
  let api: PaymentsApi;
  let close: () => Promise<void>;
  let userId: number;
  beforeAll(async () => {
    const t = await start();
    ({ api, close } = t);
    userId = (await t.platform.container.resolve(USERS_API).create({ username: "pay_contract", email: "pay@contract.example" })).id;
  });
  afterAll(() => close());

  it("records a payment stamped by the server and reads it back, alone and by user", async () => {
    const paid = await api.create({ user_id: userId, amount: 12.34 });
    expect(paid).toEqual({ id: expect.any(Number), user_id: userId, amount: 12.34, timestamp: expect.stringMatching(/Z$/) });
    expect(await api.get(paid.id)).toEqual(paid);
    expect(await api.list({ user_id: userId })).toContainEqual(paid);
  });

  it("throws NOT_FOUND for an unknown user and for a missing payment", async () => {
    await expect(api.create({ user_id: 777_777, amount: 1 })).rejects.toMatchObject({ code: "NOT_FOUND", message: "user 777777 not found" });
    const failure = await api.get(777_777).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "NOT_FOUND", message: "payment 777777 not found" });
  });
});

describe.each(implementationsOf(SUBSCRIPTIONS_API, "payments", "payments", (http) => new SubscriptionsClient(http)))("SubscriptionsApi (%s)", (_name, start) => {
  let api: SubscriptionsApi;
  let close: () => Promise<void>;
  let userId: number;
  beforeAll(async () => {
    const t = await start();
    ({ api, close } = t);
    userId = (await t.platform.container.resolve(USERS_API).create({ username: "sub_contract", email: "sub@contract.example" })).id;
  });
  afterAll(() => close());

  it("creates a subscription and reads it back", async () => {
    const created = await api.create({ user_id: userId, plan_type: "premium", start_date: new Date("2024-01-01T00:00:00Z"), end_date: new Date("2024-01-01T00:00:00Z") });
    expect(created).toEqual({ id: expect.any(Number), user_id: userId, plan_type: "premium", start_date: "2024-01-01T00:00:00.000Z", end_date: "2024-01-01T00:00:00.000Z" });
    expect(await api.get(created.id)).toEqual(created);
    expect(await api.list({ user_id: userId, limit: 10 })).toEqual([created]);
  });

  it("throws NOT_FOUND for an unknown user", async () => {
    await expect(api.create({ user_id: 888_888, plan_type: "basic", start_date: new Date(0), end_date: new Date(0) })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
