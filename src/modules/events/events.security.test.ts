import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscription } from "../../adapters/bus/event-bus.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import { newDomainEvent, type DomainEvent } from "../../contracts/domain-event.ts";
import type { EventSource } from "../../contracts/event-source.ts";
import { moduleApp, monolithApp } from "../../roles/apps.ts";
import { expectReply } from "../../testing/expect-reply.ts";
import { readReply } from "../../testing/reply.ts";
import { eventually, uniqueName } from "../../testing/test-bus.ts";
import { startTestPlatform, type TestPlatform } from "../../testing/test-platform.ts";
import { Payment } from "../payments/index.ts";
import { User } from "../users/index.ts";
import { EventReply } from "./events.contract.ts";
import { startEventsConsumer } from "./events.consumer.ts";
import { eventsModule } from "./events.module.ts";
import { handledEvents } from "./events.tables.ts";

// Anyone may post to the events API; only the modules' own writes are domain events. The consumer
// must tell the two apart whatever a client puts in the body or the request headers.
let t: TestPlatform;
let consumer: Subscription;
const consumed = new Map<string, { event: DomainEvent; source: EventSource }>();
beforeAll(async () => {
  t = await startTestPlatform();
  consumer = await startEventsConsumer({
    bus: t.platform.bus,
    db: t.platform.container.resolve(DATABASE),
    log: t.platform.log,
    group: uniqueName("events-source"),
    onEvent: async (event, _message, source) => void consumed.set(event.id, { event, source }),
  });
}, 60_000);
afterAll(async () => {
  await consumer.stop();
  await t.close();
});

const post = async (app: ReturnType<typeof monolithApp>, path: string, body: unknown, headers: Record<string, string> = {}) =>
  readReply(await app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } }));

/** The source the consumer handed to its action and the one it recorded, once both are there. */
async function sourcesOf(id: string): Promise<{ handed?: EventSource; recorded?: EventSource }> {
  const db = t.platform.container.resolve(DATABASE);
  const read = async () => {
    const [row] = await db.select({ source: handledEvents.source }).from(handledEvents).where(eq(handledEvents.eventId, id));
    return { handed: consumed.get(id)?.source, recorded: row?.source };
  };
  return eventually(read, (s) => s.handed !== undefined && s.recorded !== undefined, 30_000);
}

describe("the source of an event", () => {
  it("is api for a payment posted to the events API, even with an event-source: domain request header", async () => {
    const events = moduleApp(t.platform, eventsModule);
    const body = { payment_id: 91, user_id: 1, amount: 9.99, status: "completed", timestamp: "2024-01-15T14:30:00Z" };
    const reply = expectReply(await post(events, "/api/events/payment", body, { "event-source": "domain" }), 201, EventReply);
    expect(await sourcesOf(reply.event.id)).toEqual({ handed: "api", recorded: "api" });
  });

  it("is api for a posted event whose body claims source domain: the claim is dropped or refused, never believed", async () => {
    const events = moduleApp(t.platform, eventsModule);
    const body = { payment_id: 92, user_id: 1, amount: 9.99, status: "completed", timestamp: "2024-01-15T14:30:00Z", source: "domain" };
    const reply = await post(events, "/api/events/payment", body);
    // Unknown fields are stripped today; stricter input validation may refuse them with 400. Either is safe.
    if (reply.status === 400) return;
    const { event } = expectReply(reply, 201, EventReply);
    expect(event.payload).not.toHaveProperty("source");
    expect(await sourcesOf(event.id)).toEqual({ handed: "api", recorded: "api" });
  });

  it("is domain for a payment made through the payments API, which the outbox relay publishes", async () => {
    const monolith = monolithApp(t.platform);
    const username = uniqueName("source");
    const user = expectReply(await post(monolith, "/api/users", { username, email: `${username}@source.example` }), 201, User);
    const payment = expectReply(await post(monolith, "/api/payments", { user_id: user.id, amount: 3 }), 201, Payment);
    const ours = ({ event }: { event: DomainEvent }) => event.type === "payment" && event.payload.payment_id === payment.id && event.payload.timestamp === payment.timestamp;
    const got = await eventually(() => [...consumed.values()].find(ours), Boolean, 30_000);
    expect(got).toBeDefined();
    expect(await sourcesOf(got!.event.id)).toEqual({ handed: "domain", recorded: "domain" });
  });

  it("is api for a message on the topic with no event-source header or any value but exactly domain", async () => {
    const bare = newDomainEvent("payment", 93, "completed", { payment_id: 93 });
    const odd = newDomainEvent("payment", 94, "completed", { payment_id: 94 });
    await t.platform.bus.publish("payment-events", "93", JSON.stringify(bare), { "event-id": bare.id });
    await t.platform.bus.publish("payment-events", "94", JSON.stringify(odd), { "event-id": odd.id, "event-source": "Domain" });
    expect(await sourcesOf(bare.id)).toEqual({ handed: "api", recorded: "api" });
    expect(await sourcesOf(odd.id)).toEqual({ handed: "api", recorded: "api" });
  });
});
