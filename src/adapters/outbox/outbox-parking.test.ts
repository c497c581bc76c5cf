import { eq } from "drizzle-orm";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eachMessage, type BusMessage, type Subscription } from "../bus/event-bus.ts";
import { InProcessEventBus } from "../bus/in-process-event-bus.ts";
import { DATABASE, type Database } from "../db/database.ts";
import { createLogger } from "../logging/logger.ts";
import { SwitchableBus } from "../../testing/switchable-bus.ts";
import { eventually, uniqueName } from "../../testing/test-bus.ts";
import { startTestPlatform, type TestPlatform } from "../../testing/test-platform.ts";
import { appendToOutbox } from "./outbox.ts";
import { countParked, discardParked, listParked, replayParked } from "./outbox-parked.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { outboxMessages, parkedMessages } from "./outbox.tables.ts";

// The relay over an in-process bus that a test can take away or make refuse one message, on a
// database with no relay of its own: each pass is driven by hand, so every step is observable.
let t: TestPlatform;
let db: Database;
const bus = new SwitchableBus(new InProcessEventBus());
const silent = createLogger("silent");
beforeAll(async () => {
  t = await startTestPlatform({ bus, env: { OUTBOX_RELAY: "false" } });
  db = t.platform.container.resolve(DATABASE);
}, 60_000);
afterAll(() => t.close());

/** A topic of the test's own, its rows appended in order, and what a consumer group reads of it. */
async function scenario(rows: [key: string, value: string][]) {
  const topic = uniqueName("outbox-parking");
  await bus.ensureTopics([topic]);
  for (const [key, value] of rows) await appendToOutbox(db, { topic, key, value });
  const written = await db.select({ id: outboxMessages.id, value: outboxMessages.value }).from(outboxMessages).where(eq(outboxMessages.topic, topic));
  const ids = Object.fromEntries(written.map((row) => [row.value, row.id]));
  const read: BusMessage[] = [];
  const sub: Subscription = await bus.subscribe(uniqueName("group"), [topic], eachMessage(async (m) => void read.push(m)));
  const delivered = (key?: string) => read.filter((m) => key === undefined || m.key === key).map((m) => m.value);
  return { topic, ids, read, sub, delivered };
}

const refuse = (value: string) => (bus.refuse = (_topic, _key, v) => (v === value ? "record too large" : undefined));
const passes = async (relay: OutboxRelay, n: number) => {
  const done = [];
  for (let i = 0; i < n; i++) done.push(await relay.relayOnce());
  return done;
};

describe("the outbox relay with a row the bus refuses", () => {
  it("parks it after maxRefusals refusals with the reason, delivers the later rows, and holds only its entity's", async () => {
    const s = await scenario([["a", "a1"], ["p", "p1-poison"], ["b", "b1"], ["p", "p2"], ["a", "a2"]]);
    refuse("p1-poison");
    const registry = new Registry();
    const relay = new OutboxRelay(db, bus, silent, { maxRefusals: 3, registry });

    const [first, second, third] = await passes(relay, 3);
    // Until it is parked the refused row stops each pass: nothing overtakes it yet.
    expect(first).toMatchObject({ sent: 1, parked: 0, failure: expect.stringContaining("record too large") });
    expect(second).toMatchObject({ sent: 0, parked: 0, failure: expect.any(String) });
    expect(third).toEqual({ sent: 2, parked: 1, full: false });
    await eventually(() => s.read.length, (n) => n >= 3);
    // Order holds per key (per partition), as on Kafka; keys on other partitions may come in any order.
    expect(s.delivered("a")).toEqual(["a1", "a2"]);
    expect(s.delivered("b")).toEqual(["b1"]);
    expect(s.read).toHaveLength(3);

    const [parked] = await db.select().from(parkedMessages).where(eq(parkedMessages.id, s.ids["p1-poison"]!));
    expect(parked).toMatchObject({ topic: s.topic, key: "p", value: "p1-poison", attempts: 3, refusals: 3 });
    expect(parked?.reason).toMatch(/^refused 3 times: .*record too large/);
    expect(await db.select().from(outboxMessages).where(eq(outboxMessages.id, s.ids["p1-poison"]!))).toEqual([]);
    // The row of the parked entity waits, pending, however many passes go by.
    expect(await passes(relay, 2)).toEqual([{ sent: 0, parked: 0, full: false }, { sent: 0, parked: 0, full: false }]);
    const [held] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, s.ids.p2!));
    expect(held).toMatchObject({ sentAt: null, attempts: 0 });

    expect(await registry.getSingleMetricAsString("outbox_parked_total")).toMatch(/^outbox_parked_total 1$/m);
    expect(await registry.getSingleMetricAsString("outbox_parked_messages")).toMatch(new RegExp(`^outbox_parked_messages ${await countParked(db)}$`, "m"));
    await s.sub.stop();
    await discardParked(db, [s.ids["p1-poison"]!]);
  });

  it("parks nothing while the broker is down: every row waits, in order, and refusals from before are not added to", async () => {
    const s = await scenario([["p", "p1-twice"], ["a", "a1"], ["a", "a2"]]);
    refuse("p1-twice");
    const relay = new OutboxRelay(db, bus, silent, { maxRefusals: 3 });
    await passes(relay, 2);
    bus.down = true;
    try {
      const down = await passes(relay, 10);
      expect(down.every((p) => p.sent === 0 && p.parked === 0 && p.failure?.includes("broker unreachable"))).toBe(true);
      const [head] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, s.ids["p1-twice"]!));
      expect(head).toMatchObject({ attempts: 12, refusals: 2, sentAt: null });
      expect((await listParked(db)).filter((p) => p.topic === s.topic)).toEqual([]);
    } finally {
      bus.down = false;
    }
    bus.refuse = undefined;
    expect(await relay.relayOnce()).toEqual({ sent: 3, parked: 0, full: false });
    await eventually(() => s.read.length, (n) => n >= 3);
    expect(s.delivered("p")).toEqual(["p1-twice"]);
    expect(s.delivered("a")).toEqual(["a1", "a2"]);
    expect(s.read).toHaveLength(3);
    await s.sub.stop();
  });

  it("replayParked puts the row back in its place: it goes out first, then the rows of its entity held behind it", async () => {
    const s = await scenario([["p", "p1-replayed"], ["p", "p2"], ["b", "b1"], ["p", "p3"]]);
    refuse("p1-replayed");
    const relay = new OutboxRelay(db, bus, silent, { maxRefusals: 1 });
    expect(await relay.relayOnce()).toEqual({ sent: 1, parked: 1, full: false });
    await appendToOutbox(db, { topic: s.topic, key: "p", value: "p4-after-park" });
    expect(await relay.relayOnce()).toEqual({ sent: 0, parked: 0, full: false });

    bus.refuse = undefined;
    expect(await replayParked(db, [s.ids["p1-replayed"]!])).toEqual([s.ids["p1-replayed"]]);
    const [back] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, s.ids["p1-replayed"]!));
    expect(back).toMatchObject({ sentAt: null, refusals: 0, attempts: 1, lastError: expect.stringMatching(/^replayed; parked for: refused 1 times/) });
    expect(await relay.relayOnce()).toEqual({ sent: 4, parked: 0, full: false });
    await eventually(() => s.read.length, (n) => n >= 5);
    expect(s.delivered("p")).toEqual(["p1-replayed", "p2", "p3", "p4-after-park"]);
    expect(await replayParked(db, [s.ids["p1-replayed"]!])).toEqual([]);
    await s.sub.stop();
  });

  it("discardParked drops a row no replay can deliver, and releases the rows held behind it", async () => {
    const s = await scenario([["p", "p1-discarded"], ["p", "p2"]]);
    refuse("p1-discarded");
    const relay = new OutboxRelay(db, bus, silent, { maxRefusals: 1 });
    expect(await relay.relayOnce()).toEqual({ sent: 0, parked: 1, full: false });
    expect(await discardParked(db, [s.ids["p1-discarded"]!, 999_999_999])).toEqual([s.ids["p1-discarded"]]);
    expect(await relay.relayOnce()).toEqual({ sent: 1, parked: 0, full: false });
    await eventually(() => s.read.length, (n) => n >= 1);
    expect(s.delivered()).toEqual(["p2"]);
    await s.sub.stop();
  });

  it("runs by itself: the loop parks the poison row after its backoffs and delivers the rest", async () => {
    const s = await scenario([["p", "p1-loop"], ["a", "a1"], ["a", "a2"]]);
    refuse("p1-loop");
    const relay = new OutboxRelay(db, bus, silent, { maxRefusals: 3, minBackoffMs: 10, maxBackoffMs: 20, idleMs: 20 });
    relay.start();
    try {
      await eventually(() => s.read.length, (n) => n >= 2, 10_000);
    } finally {
      await relay.stop();
    }
    expect(s.delivered()).toEqual(["a1", "a2"]);
    expect((await listParked(db)).filter((p) => p.topic === s.topic)).toMatchObject([{ id: s.ids["p1-loop"], key: "p", refusals: 3 }]);
    await s.sub.stop();
    await discardParked(db, [s.ids["p1-loop"]!]);
  });
});
