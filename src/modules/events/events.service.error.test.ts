import { describe, expect, it } from "vitest";
import { BusUnavailable, type EventBus } from "../../adapters/bus/event-bus.ts";
import { EventsService } from "./events.service.ts";

const brokerDown: EventBus = {
  kind: "in-process",
  ensureTopics: async () => {},
  publish: async () => {
    throw new BusUnavailable("cannot connect to Kafka at kafka-0.cinemaabyss.svc:9092: connect ECONNREFUSED 10.0.3.7:9092");
  },
  publishInOrder: async () => ({ published: [], error: new BusUnavailable("cannot connect") }),
  subscribe: async () => ({ stop: async () => {} }),
  consumerLag: async () => [],
  ping: async () => false,
  close: async () => {},
};

describe("EventsService when the broker does not take the event", () => {
  it("answers UNAVAILABLE without the broker's address, which only the log gets", async () => {
    const failure = await new EventsService(brokerDown).emit("movie", { movie_id: 1, title: "Inception", action: "viewed" }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "UNAVAILABLE", message: "event not accepted: the broker is unavailable" });
    expect(failure).toMatchObject({ detail: expect.stringContaining("10.0.3.7:9092") });
  });
});
