import { z } from "@hono/zod-openapi";
import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscription as BusSubscription } from "../bus/event-bus.ts";
import { DATABASE } from "../db/database.ts";
import type { DomainEvent } from "../../contracts/domain-event.ts";
import { startEventsConsumer } from "../../modules/events/index.ts";
import { Movie } from "../../modules/movies/index.ts";
import { Payment, Subscription } from "../../modules/payments/index.ts";
import { User } from "../../modules/users/index.ts";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { eventually, uniqueName } from "../../testing/test-bus.ts";
import { outboxMessages } from "./outbox.tables.ts";

// Domain events from the modules' writes, through the outbox and its relay to the consumer group.
let t: TestApp;
let consumer: BusSubscription;
const consumed: { event: DomainEvent; topic: string; key: string }[] = [];
beforeAll(async () => {
  t = await startTestApp();
  consumer = await startEventsConsumer({
    bus: t.platform.bus,
    db: t.platform.container.resolve(DATABASE),
    log: t.platform.log,
    group: uniqueName("outbox"),
    onEvent: async (event, m) => void consumed.push({ event, topic: m.topic, key: m.key }),
  });
}, 60_000);
afterAll(async () => {
  await consumer.stop();
  await t.close();
});

describe("the outbox", () => {
  it("publishes an event for each created user, movie, payment and subscription, keyed by entity, in order per entity", async () => {
    const user = expectReply(await t.call("POST", "/api/users", { username: uniqueName("outbox"), email: `${uniqueName("o")}@outbox.example` }), 201, User);
    const title = uniqueName("Outboxed");
    const plan = uniqueName("plan");
    const movie = expectReply(await t.call("POST", "/api/movies", { title, description: "d", genres: ["Drama"], rating: 6 }), 201, Movie);
    const payment = expectReply(await t.call("POST", "/api/payments", { user_id: user.id, amount: 4.5 }), 201, Payment);
    const subscription = expectReply(
      await t.call("POST", "/api/subscriptions", { user_id: user.id, plan_type: plan, start_date: "2024-01-01", end_date: "2024-12-31" }),
      201,
      Subscription,
    );

    // Other suites share the broker and their databases reuse ids: pick ours out by content.
    const ours = (c: (typeof consumed)[number]) => {
      const p = c.event.payload;
      return p.username === user.username || p.plan_type === plan || p.title === title || (p.payment_id === payment.id && p.timestamp === payment.timestamp);
    };
    const got = await eventually(() => consumed.filter(ours), (list) => list.length >= 4, 30_000);
    const byId = (prefix: string) => got.filter((c) => c.event.id.startsWith(prefix));

    const userEvents = byId(`user-${user.id}-`);
    expect(userEvents.map((c) => c.event.payload.action)).toEqual(["registered", "subscribed"]);
    expect(userEvents.every((c) => c.topic === "user-events" && c.key === String(user.id))).toBe(true);
    expect(userEvents[0]!.event.payload).toMatchObject({ user_id: user.id, username: user.username, email: user.email });
    expect(userEvents[1]!.event.payload).toMatchObject({ subscription_id: subscription.id, plan_type: plan });

    expect(byId(`movie-${movie.id}-`)).toEqual([
      { topic: "movie-events", key: String(movie.id), event: expect.objectContaining({ type: "movie", payload: expect.objectContaining({ movie_id: movie.id, title, action: "created" }) }) },
    ]);
    expect(byId(`payment-${payment.id}-`)[0]).toMatchObject({
      topic: "payment-events",
      key: String(payment.id),
      event: { type: "payment", payload: { payment_id: payment.id, user_id: user.id, amount: 4.5, status: "completed", timestamp: payment.timestamp } },
    });
    await eventually(() => t.platform.relay!.pending(), (n) => n === 0);
  });

  it("writes nothing for a refused write: the row and its event commit together or not at all", async () => {
    const db = t.platform.container.resolve(DATABASE);
    const count = async () => (await db.select().from(outboxMessages).orderBy(asc(outboxMessages.id))).length;
    const before = await count();
    expectError(await t.call("POST", "/api/payments", { user_id: 999_999, amount: 1 }), 404, "NOT_FOUND", "user 999999 not found");
    const [taken] = expectReply(await t.call("GET", "/api/users?limit=1"), 200, z.array(User));
    expectError(await t.call("POST", "/api/users", { username: taken!.username, email: "other@outbox.example" }), 409, "CONFLICT");
    expect(await count()).toBe(before);
  });
});
