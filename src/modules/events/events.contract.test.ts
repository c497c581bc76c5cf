import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { implementationsOf } from "../../testing/port-implementations.ts";
import { EVENTS_API, EventsClient, type EventsApi } from "./index.ts";

describe.each(implementationsOf(EVENTS_API, "events", "events", (http) => new EventsClient(http)))("EventsApi (%s)", (_name, start) => {
  let api: EventsApi;
  let close: () => Promise<void>;
  beforeAll(async () => ({ api, close } = await start()), 60_000);
  afterAll(() => close(), 60_000);

  it("emits an event and says where it landed", async () => {
    const reply = await api.emit("payment", { payment_id: 5, user_id: 2, amount: 3.5, status: "refunded", timestamp: "2024-03-01T10:00:00Z" });
    expect(reply).toMatchObject({ status: "success", partition: expect.any(Number), offset: expect.any(Number) });
    expect(reply.event).toMatchObject({ id: expect.stringMatching(/^payment-5-refunded-[0-9a-f-]{36}$/), type: "payment", payload: { amount: 3.5 } });
  });

  it("is healthy while the broker answers", async () => {
    expect(await api.healthy()).toBe(true);
  });
});
