import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../../testing/test-bus.ts";
import { eachMessage, type BusMessage } from "./event-bus.ts";
import { InProcessEventBus } from "./in-process-event-bus.ts";

// Retention is the in-process log's own (Kafka's lives in the broker), so it is tested here, on a
// bus with a clock the test moves; the shared behaviour is in event-bus.contract.test.ts.
let now = 0;
let bus: InProcessEventBus;
const open = (maxMessages: number, maxAgeMs = 60_000) => (bus = new InProcessEventBus({ retention: { maxMessages, maxAgeMs }, clock: () => now }));
afterEach(() => bus.close());

/** Everything a fresh read of the group gets now: subscribes, waits until it is quiet, stops. */
async function readAll(group: string, topic: string, atLeast: number): Promise<BusMessage[]> {
  const seen: BusMessage[] = [];
  const sub = await bus.subscribe(group, [topic], eachMessage(async (m) => void seen.push(m)));
  await eventually(() => seen.length, (n) => n >= atLeast, 2_000);
  await new Promise((r) => setTimeout(r, 50));
  await sub.stop();
  return seen;
}

describe("the in-process log's retention", () => {
  it("keeps the newest maxMessages of a partition; offsets keep rising, and a new group starts at the oldest kept", async () => {
    open(3);
    await bus.ensureTopics(["t"]);
    const placed = [];
    for (let i = 0; i < 10; i++) placed.push(await bus.publish("t", "k", `m${i}`));
    expect(placed.map((p) => p.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const seen = await readAll("fresh", "t", 3);
    expect(seen.map((m) => [m.offset, m.value])).toEqual([[7, "m7"], [8, "m8"], [9, "m9"]]);
  });

  it("drops messages older than maxAgeMs", async () => {
    open(100, 1_000);
    await bus.ensureTopics(["t"]);
    await bus.publish("t", "k", "old");
    now += 600;
    await bus.publish("t", "k", "younger");
    now += 600; // "old" is 1,200 ms old, "younger" 600 ms
    await bus.publish("t", "k", "new");
    expect((await readAll("fresh", "t", 2)).map((m) => m.value)).toEqual(["younger", "new"]);
  });

  it("moves a group whose next offset fell off to the oldest message kept, as auto.offset.reset=earliest", async () => {
    open(3);
    await bus.ensureTopics(["t"]);
    await bus.publish("t", "k", "m0");
    expect((await readAll("behind", "t", 1)).map((m) => m.value)).toEqual(["m0"]); // committed: next is offset 1
    for (let i = 1; i < 10; i++) await bus.publish("t", "k", `m${i}`);
    const back = await readAll("behind", "t", 3);
    expect(back.map((m) => m.value)).toEqual(["m7", "m8", "m9"]);
    await bus.publish("t", "k", "m10");
    expect((await readAll("behind", "t", 1)).map((m) => m.value)).toEqual(["m10"]);
  });

  it("stays bounded over many messages: a new group reads only what is kept", async () => {
    open(50);
    await bus.ensureTopics(["t"]);
    for (let i = 0; i < 20_000; i++) await bus.publish("t", "k", `m${i}`);
    const seen = await readAll("fresh", "t", 50);
    expect(seen).toHaveLength(50);
    expect(seen[0]).toMatchObject({ offset: 19_950, value: "m19950" });
  });
});
