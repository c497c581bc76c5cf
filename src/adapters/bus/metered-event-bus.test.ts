import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { SwitchableBus } from "../../testing/switchable-bus.ts";
import { eventually } from "../../testing/test-bus.ts";
import { eachMessage, MessageRefused } from "./event-bus.ts";
import { InProcessEventBus } from "./in-process-event-bus.ts";
import { MeteredEventBus } from "./metered-event-bus.ts";

describe("publishInOrder on the metered in-process bus", () => {
  it("stops at the first message the bus refuses, sends none after it, and counts each outcome", async () => {
    const inner = new InProcessEventBus();
    await inner.ensureTopics(["t"]);
    const switchable = new SwitchableBus(inner);
    switchable.refuse = (_topic, _key, value) => (value === "bad" ? "too large" : undefined);
    const registry = new Registry();
    const bus = new MeteredEventBus(switchable, registry);

    const result = await bus.publishInOrder(["a", "b", "bad", "c"].map((value) => ({ topic: "t", key: "k", value })));

    expect(result.published.map((p) => p.offset)).toEqual([0, 1]);
    expect(result.error).toBeInstanceOf(MessageRefused);
    // "c" came after the refused one: never sent. A marker published next is what follows "b".
    await inner.publish("t", "k", "marker");
    const read: string[] = [];
    const sub = await inner.subscribe("reader", ["t"], eachMessage(async (m) => void read.push(m.value)));
    await eventually(() => read.length, (n) => n >= 3, 5_000);
    await sub.stop();
    expect(read).toEqual(["a", "b", "marker"]);
    const counts = (await registry.getSingleMetric("bus_published_total")!.get()).values.map((v) => [v.labels.outcome, v.value]);
    expect(counts).toEqual(expect.arrayContaining([["ok", 2], ["refused", 1]]));
    expect(counts).toHaveLength(2);
  });
});
