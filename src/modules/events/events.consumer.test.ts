import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eachMessage, type BusMessage, type Subscription } from "../../adapters/bus/event-bus.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import { newDomainEvent, type DomainEvent } from "../../contracts/domain-event.ts";
import { startTestPlatform, type TestPlatform } from "../../testing/test-platform.ts";
import { eventually, uniqueName } from "../../testing/test-bus.ts";
import { dlqOf, startEventsConsumer, type EventAction } from "./events.consumer.ts";

// On the in-process log in `npm test`; on the real broker when KAFKA_BROKERS is set (CI).
let t: TestPlatform;
let running: Subscription[] = [];
beforeAll(async () => void (t = await startTestPlatform()));
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
});
afterAll(() => t.close());

async function consume(onEvent: EventAction, group = uniqueName("consumer")) {
  const sub = await startEventsConsumer({ bus: t.platform.bus, db: t.platform.container.resolve(DATABASE), log: t.platform.log, group, onEvent, retryDelayMs: 10 });
  running.push(sub);
  return sub;
}

async function watchDlq(topic: string) {
  const seen: BusMessage[] = [];
  running.push(await t.platform.bus.subscribe(uniqueName("dlq-watch"), [dlqOf(topic)], eachMessage(async (m) => void seen.push(m))));
  return seen;
}

const publish = (event: DomainEvent, topic = "movie-events") =>
  t.platform.bus.publish(topic, String(event.payload.movie_id ?? 1), JSON.stringify(event), { "event-id": event.id });

describe("the events consumer group", () => {
  it("handles a redelivered event once: the same id twice runs the action once", async () => {
    const handled: string[] = [];
    await consume(async (event) => void handled.push(event.id));
    const event = newDomainEvent("movie", 11, "viewed", { movie_id: 11 });
    const marker = newDomainEvent("movie", 11, "viewed", { movie_id: 11 });
    await publish(event);
    await publish(event); // a redelivery: same id, new offset
    await publish(marker);
    await eventually(() => handled.includes(marker.id), Boolean);
    expect(handled.filter((id) => id === event.id)).toHaveLength(1);
  });

  it("handles an event once when both copies arrive in one batch (published before the group starts)", async () => {
    const handled: string[] = [];
    const event = newDomainEvent("movie", 13, "viewed", { movie_id: 13 });
    const marker = newDomainEvent("movie", 13, "viewed", { movie_id: 13 });
    await publish(event);
    await publish(event);
    await publish(marker);
    await consume(async (e) => void handled.push(e.id));
    await eventually(() => handled.includes(marker.id), Boolean, 30_000);
    expect(handled.filter((id) => id === event.id)).toHaveLength(1);
  });

  it("retries a throwing action a few times, then dead-letters the message with the reason and goes on", async () => {
    const dlq = await watchDlq("movie-events");
    const doomed = newDomainEvent("movie", 12, "viewed", { movie_id: 12 });
    const after = newDomainEvent("movie", 12, "rated", { movie_id: 12 });
    const tries: string[] = [];
    await consume(async (event) => {
      tries.push(event.id);
      if (event.id === doomed.id) throw new Error("projection unavailable");
    });
    await publish(doomed);
    await publish(after);
    const dead = await eventually(() => dlq.find((m) => m.headers["event-id"] === doomed.id), Boolean, 30_000);
    expect(dead).toMatchObject({ topic: "movie-events.dlq", key: "12", value: JSON.stringify(doomed) });
    expect(dead?.headers["dlq-reason"]).toBe("handler failed 3 times: projection unavailable");
    expect(dead?.headers["dlq-source"]).toMatch(/^movie-events\/\d+\/\d+$/);
    await eventually(() => tries.includes(after.id), Boolean);
    expect(tries.filter((id) => id === doomed.id)).toHaveLength(3);
  });

  it("never dead-letters for a database that is away: the message comes again until the database is back", async () => {
    const dlq = await watchDlq("movie-events");
    const event = newDomainEvent("movie", 14, "viewed", { movie_id: 14 });
    const tries: string[] = [];
    await consume(async (e) => {
      if (e.id !== event.id) return;
      tries.push(e.id);
      // More failures than the 3 attempts that would dead-letter an ordinary throw.
      if (tries.length <= 4) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    });
    await publish(event);
    await eventually(() => tries.length, (n) => n >= 5, 30_000);
    expect(dlq.filter((m) => m.headers["event-id"] === event.id)).toEqual([]);
  });

  it("dead-letters a message that is not an event at once, without calling the action", async () => {
    const dlq = await watchDlq("user-events");
    const values: string[] = [];
    await consume(async (_event, message) => void values.push(message.value));
    const garbage = `not json ${uniqueName("x")}`;
    await t.platform.bus.publish("user-events", "9", garbage);
    const dead = await eventually(() => dlq.find((m) => m.value === garbage), Boolean, 30_000);
    expect(dead?.headers["dlq-reason"]).toBe("value is not JSON");
    expect(values).not.toContain(garbage);
  });
});
