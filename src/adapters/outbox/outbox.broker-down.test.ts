import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscription } from "../bus/event-bus.ts";
import { InProcessEventBus } from "../bus/in-process-event-bus.ts";
import { DATABASE } from "../db/database.ts";
import type { DomainEvent } from "../../contracts/domain-event.ts";
import { Health } from "../../contracts/health.ts";
import { eventsModule, startEventsConsumer } from "../../modules/events/index.ts";
import { User } from "../../modules/users/index.ts";
import { moduleApp, monolithApp } from "../../roles/apps.ts";
import { startTestPlatform, type TestPlatform } from "../../testing/test-platform.ts";
import { expectReply } from "../../testing/expect-reply.ts";
import { readReply } from "../../testing/reply.ts";
import { SwitchableBus } from "../../testing/switchable-bus.ts";
import { eventually, uniqueName } from "../../testing/test-bus.ts";

// With KAFKA_BROKERS this halts the real broker, so it must have the broker to itself: CI runs it
// alone against a broker of its own (KAFKA_EXCLUSIVE=true); a shared broker skips it here.
const realBroker = Boolean(process.env.KAFKA_BROKERS);
const sharedBroker = realBroker && process.env.KAFKA_EXCLUSIVE !== "true";

function kafka(command: "halt" | "start") {
  const run = spawnSync(process.env.KAFKA_SCRIPT ?? "scripts/kafka.sh", [command], { encoding: "utf8", env: process.env });
  if (run.status !== 0) throw new Error(`kafka.sh ${command} failed: ${run.stderr}`);
}

describe.skipIf(sharedBroker)(`with the broker away (${realBroker ? "real Kafka halted" : "in-process bus switched off"})`, () => {
  let t: TestPlatform;
  let consumer: Subscription;
  const switchable = realBroker ? undefined : new SwitchableBus(new InProcessEventBus());
  const handled: DomainEvent[] = [];
  const takeAway = () => (switchable ? void (switchable.down = true) : kafka("halt"));
  const bringBack = () => (switchable ? void (switchable.down = false) : kafka("start"));

  beforeAll(async () => {
    t = await startTestPlatform(switchable ? { bus: switchable } : {});
    consumer = await startEventsConsumer({
      bus: t.platform.bus,
      db: t.platform.container.resolve(DATABASE),
      log: t.platform.log,
      group: uniqueName("broker-down"),
      onEvent: async (event) => void handled.push(event),
    });
  }, 60_000);
  afterAll(async () => {
    if (switchable?.down === false || !switchable) bringBack();
    await consumer.stop();
    await t.close();
  }, 60_000);

  it("answers 503 within 5 s on the events API, keeps accepting writes, and delivers every outboxed event once, in order, when it is back", async () => {
    const monolith = monolithApp(t.platform);
    const events = moduleApp(t.platform, eventsModule);
    const post = (app: typeof monolith, path: string, body: unknown) => app.request(path, { method: "POST", body: JSON.stringify(body) });
    const users: User[] = [];
    const titles = [uniqueName("down-movie"), uniqueName("down-movie")];
    takeAway();
    try {
      const started = Date.now();
      const refused = await post(events, "/api/events/movie", { movie_id: 1, title: "x", action: "viewed" });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ code: "UNAVAILABLE" });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(expectReply(await readReply(await events.request("/api/events/health")), 503, Health)).toEqual({ status: false });
      // Readiness follows the broker; liveness does not (the pod is not restarted for it).
      const ready = await monolith.request("/ready");
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "not ready", checks: { database: "up", broker: "down" } });
      expect((await monolith.request("/live")).status).toBe(200);

      // Writes go on: 3 users, each with a payment and a subscription, and 2 movies.
      const names = [uniqueName("down"), uniqueName("down"), uniqueName("down")];
      for (const username of names) {
        users.push(expectReply(await readReply(await post(monolith, "/api/users", { username, email: `${username}@down.example` })), 201, User));
      }
      for (const user of users) {
        expect((await post(monolith, "/api/payments", { user_id: user.id, amount: 2 })).status).toBe(201);
        expect((await post(monolith, "/api/subscriptions", { user_id: user.id, plan_type: names[0], start_date: "2024-01-01", end_date: "2024-02-01" })).status).toBe(201);
      }
      for (const title of titles) expect((await post(monolith, "/api/movies", { title, description: "d", rating: 5 })).status).toBe(201);
      expect(await t.platform.relay!.pending()).toBe(3 * 3 + 2);
    } finally {
      bringBack();
    }

    await eventually(() => t.platform.relay!.pending(), (n) => n === 0, 60_000);
    // 11 events: 3 registered + 3 subscribed + 3 payments + 2 movies; each handled exactly once.
    const userIds = new Set(users.map((u) => u.id));
    const mine = () =>
      handled.filter(({ payload: { user_id, title } }) => (typeof user_id === "number" && userIds.has(user_id)) || (typeof title === "string" && titles.includes(title)));
    const got = await eventually(mine, (list) => list.length >= 11, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
    expect(mine()).toHaveLength(11);
    // Per entity order: each user's "registered" came before its "subscribed".
    for (const id of userIds) {
      expect(got.filter((e) => e.type === "user" && e.payload.user_id === id).map((e) => e.payload.action)).toEqual(["registered", "subscribed"]);
    }
  }, 120_000);
});
