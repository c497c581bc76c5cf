import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusMessage, Subscription } from "../../adapters/bus/event-bus.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import type { DomainEvent } from "../../contracts/domain-event.ts";
import { Health } from "../../contracts/health.ts";
import { moduleApp } from "../../roles/apps.ts";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { eventsModule } from "./events.module.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { eventually, uniqueName } from "../../testing/test-bus.ts";
import { EventReply } from "./events.contract.ts";
import { startEventsConsumer } from "./events.consumer.ts";

// On the in-process log in `npm test`; on the real broker when KAFKA_BROKERS is set (CI).
let t: TestApp;
let consumer: Subscription;
const consumed: { event: DomainEvent; message: BusMessage }[] = [];
beforeAll(async () => {
  t = await startTestApp((p) => moduleApp(p, eventsModule));
  consumer = await startEventsConsumer({
    bus: t.platform.bus,
    db: t.platform.container.resolve(DATABASE),
    log: t.platform.log,
    group: uniqueName("events-routes"),
    onEvent: async (event, message) => void consumed.push({ event, message }),
  });
}, 60_000);
afterAll(async () => {
  await consumer.stop();
  await t.close();
});

const cases = [
  ["movie", "movie-events", { movie_id: 101, title: "Inception", action: "viewed", user_id: 5, rating: 8.5, genres: ["Sci-Fi"] }, "101", /^movie-101-viewed-[0-9a-f-]{36}$/],
  ["user", "user-events", { user_id: 202, username: "ann", action: "logged_in", timestamp: "2023-01-15T14:30:00Z" }, "202", /^user-202-logged_in-[0-9a-f-]{36}$/],
  ["payment", "payment-events", { payment_id: 303, user_id: 5, amount: 9.99, status: "completed", timestamp: "2023-01-15T14:30:00Z", method_type: "card" }, "303", /^payment-303-completed-[0-9a-f-]{36}$/],
] as const;

describe("POST /api/events/{type}", () => {
  it.each(cases)("publishes a %s event to %s keyed by its id, answers 201, and the consumer group reads it", async (type, topic, body, key, idPattern) => {
    const before = Date.now();
    const reply = expectReply(await t.call("POST", `/api/events/${type}`, body), 201, EventReply);
    expect(reply).toEqual({
      status: "success",
      partition: expect.any(Number),
      offset: expect.any(Number),
      event: { id: expect.stringMatching(idPattern), type, timestamp: expect.any(String), payload: body },
    });
    expect(Date.parse(reply.event.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    const got = await eventually(() => consumed.find((c) => c.event.id === reply.event.id), Boolean, 30_000);
    expect(got?.message).toMatchObject({ topic, key, partition: reply.partition, offset: reply.offset });
    expect(got?.event).toEqual(reply.event);
  });

  it("gives every event its own id, so a real repeat of an action is never taken for a redelivery", async () => {
    const body = { movie_id: 1, title: "Heat", action: "viewed" };
    const a = expectReply(await t.call("POST", "/api/events/movie", body), 201, EventReply);
    const b = expectReply(await t.call("POST", "/api/events/movie", body), 201, EventReply);
    expect(a.event.id).not.toBe(b.event.id);
    expect(b.partition).toBe(a.partition);
    expect(b.offset).toBeGreaterThan(a.offset);
  });

  it.each([
    ["movie", { title: "x", action: "viewed" }, "movie_id: is required"],
    ["movie", { movie_id: "1", title: "x", action: "viewed" }, "movie_id: must be a number"],
    ["movie", { movie_id: 1, title: "x", action: "viewed", genres: "Drama" }, "genres: must be an array of strings"],
    ["user", { user_id: 1, action: "x" }, "timestamp: is required"],
    ["user", { user_id: 1, action: "x", timestamp: "yesterday" }, "timestamp: must be an ISO 8601 date-time"],
    ["payment", { payment_id: 1, user_id: 1, amount: -5, status: "completed", timestamp: "2023-01-15T14:30:00Z" }, "amount: must be greater than 0"],
    ["payment", "{nope", "body: is not valid JSON"],
  ])("answers 400 for a bad %s event", async (type, body, message) => {
    expectError(await t.call("POST", `/api/events/${type}`, body), 400, "INVALID_INPUT", expect.stringContaining(message));
  });

  it("answers 404 for an unknown event type and 405 for GET", async () => {
    expectError(await t.call("POST", "/api/events/popcorn", {}), 404, "NOT_FOUND", "no route for POST /api/events/popcorn");
    expectError(await t.call("GET", "/api/events/movie"), 405, "METHOD_NOT_ALLOWED", "GET is not allowed on /api/events/movie; allowed: POST");
  });
});

describe("GET /api/events/health", () => {
  it("answers the legacy body while the broker answers", async () => {
    expect(expectReply(await t.call("GET", "/api/events/health"), 200, Health)).toEqual({ status: true });
  });
});
