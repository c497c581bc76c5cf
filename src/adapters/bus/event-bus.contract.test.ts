import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, openTestBus, uniqueName } from "../../testing/test-bus.ts";
import { eachMessage, MessageRefused, type BusMessage, type EventBus, type Published } from "./event-bus.ts";

// Runs on the in-process log in `npm test`, and on a real Kafka broker when KAFKA_BROKERS is set (CI).
describe(`EventBus (${process.env.KAFKA_BROKERS ? "kafka" : "in-process"})`, () => {
  let bus: EventBus;
  beforeAll(() => void (bus = openTestBus()));
  afterAll(() => bus.close());

  it("answers ping while the broker is up", async () => {
    expect(await bus.ping()).toBe(true);
  });

  it("puts one key's messages on one partition at rising offsets, and a group reads them in order", async () => {
    const topic = uniqueName("contract-order");
    await bus.ensureTopics([topic]);
    await bus.ensureTopics([topic]); // idempotent
    const placed: Published[] = [];
    for (let i = 0; i < 5; i++) placed.push(await bus.publish(topic, "movie-7", `m${i}`, { "event-id": `e${i}` }));
    expect(new Set(placed.map((p) => p.partition)).size).toBe(1);
    expect(placed.map((p) => p.offset - placed[0]!.offset)).toEqual([0, 1, 2, 3, 4]);

    const seen: BusMessage[] = [];
    const sub = await bus.subscribe(uniqueName("group"), [topic], eachMessage(async (m) => void seen.push(m)));
    await eventually(() => seen.length, (n) => n >= 5);
    await sub.stop();
    expect(seen.map((m) => m.value)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(seen[0]).toMatchObject({ topic, key: "movie-7", partition: placed[0]!.partition, offset: placed[0]!.offset, headers: { "event-id": "e0" } });
  });

  it("refuses a message larger than the broker takes with MessageRefused, and takes the next one on that partition", async () => {
    const topic = uniqueName("contract-too-large");
    await bus.ensureTopics([topic]);
    const first = await bus.publish(topic, "k", "before");
    const refused = await bus.publish(topic, "k", "x".repeat(2 * 1024 * 1024)).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(MessageRefused);
    const next = await bus.publish(topic, "k", "after");
    expect(next).toEqual({ topic, partition: first.partition, offset: first.offset + 1 });
  });

  it("delivers again a message whose handler threw, and does not skip past it", async () => {
    const topic = uniqueName("contract-redeliver");
    await bus.ensureTopics([topic]);
    await bus.publish(topic, "k", "first");
    await bus.publish(topic, "k", "second");
    const attempts: string[] = [];
    const sub = await bus.subscribe(uniqueName("group"), [topic], eachMessage(async (m) => {
      attempts.push(m.value);
      if (m.value === "first" && attempts.filter((v) => v === "first").length < 3) throw new Error("not yet");
    }));
    await eventually(() => attempts.includes("second"), Boolean);
    await sub.stop();
    expect(attempts).toEqual(["first", "first", "first", "second"]);
  });

  it("after a batch handler throws, delivers again only what it had not marked handled", async () => {
    const topic = uniqueName("contract-batch-redeliver");
    await bus.ensureTopics([topic]);
    for (const v of ["a", "b", "c", "d"]) await bus.publish(topic, "k", v);
    const deliveries: string[][] = [];
    const sub = await bus.subscribe(uniqueName("group"), [topic], async (batch) => {
      deliveries.push(batch.messages.map((m) => m.value));
      if (deliveries.length > 1) {
        for (const m of batch.messages) await batch.handled(m);
        return;
      }
      // The first delivery marks its first message only, then fails.
      await batch.handled(batch.messages[0]!);
      throw new Error("the rest later");
    });
    await eventually(() => deliveries.flat().includes("d") && deliveries.length > 1, Boolean, 30_000);
    await sub.stop();
    expect(deliveries[0]![0]).toBe("a");
    expect(deliveries[1]![0]).toBe("b");
    expect(deliveries.slice(1).flat()).not.toContain("a");
  });

  it("commits at stop what the batch in hand marked handled, and gives its unmarked rest to the group's next member", async () => {
    const topic = uniqueName("contract-batch-stop");
    await bus.ensureTopics([topic]);
    for (const v of ["a", "b", "c"]) await bus.publish(topic, "k", v);
    const group = uniqueName("group");
    let marked = false;
    let sawStop = false;
    const sub = await bus.subscribe(group, [topic], async (batch) => {
      if (marked) return;
      await batch.handled(batch.messages[0]!);
      marked = true;
      // Holds the batch until the subscription says it is stopping, then leaves the rest.
      for (let i = 0; i < 100 && batch.isCurrent(); i++) await new Promise((r) => setTimeout(r, 50));
      sawStop = !batch.isCurrent();
    });
    await eventually(() => marked, Boolean, 30_000);
    await sub.stop();
    expect(sawStop).toBe(true);
    const again: string[] = [];
    const back = await bus.subscribe(group, [topic], eachMessage(async (m) => void again.push(m.value)));
    await eventually(() => again.length, (n) => n >= 2, 30_000);
    await back.stop();
    expect(again).toEqual(["b", "c"]);
  });

  it("gives every group every message, and a group that comes back resumes after what it committed", async () => {
    const topic = uniqueName("contract-groups");
    await bus.ensureTopics([topic]);
    for (const v of ["a", "b", "c"]) await bus.publish(topic, v, v);
    const group = uniqueName("group");
    const one: string[] = [];
    const two: string[] = [];
    const subOne = await bus.subscribe(group, [topic], eachMessage(async (m) => void one.push(m.value)));
    const subTwo = await bus.subscribe(uniqueName("group"), [topic], eachMessage(async (m) => void two.push(m.value)));
    await eventually(() => one.length + two.length, (n) => n >= 6);
    await subOne.stop();
    await subTwo.stop();
    expect(one.sort()).toEqual(["a", "b", "c"]);
    expect(two.sort()).toEqual(["a", "b", "c"]);

    await bus.publish(topic, "d", "d");
    const again: string[] = [];
    const back = await bus.subscribe(group, [topic], eachMessage(async (m) => void again.push(m.value)));
    await eventually(() => again.length, (n) => n >= 1);
    await new Promise((r) => setTimeout(r, 300));
    await back.stop();
    expect(again).toEqual(["d"]);
  });

  it("stops only after the message in hand is handled, and does not deliver it again", async () => {
    const topic = uniqueName("contract-stop");
    await bus.ensureTopics([topic]);
    await bus.publish(topic, "k", "slow");
    const group = uniqueName("group");
    let started = false;
    let finished = false;
    const sub = await bus.subscribe(group, [topic], eachMessage(async () => {
      started = true;
      await new Promise((r) => setTimeout(r, 500));
      finished = true;
    }));
    await eventually(() => started, Boolean);
    await sub.stop();
    expect(finished).toBe(true);
    const again: string[] = [];
    const back = await bus.subscribe(group, [topic], eachMessage(async (m) => void again.push(m.value)));
    await bus.publish(topic, "k", "next");
    await eventually(() => again.length, (n) => n >= 1);
    await back.stop();
    expect(again).toEqual(["next"]);
  });
});
