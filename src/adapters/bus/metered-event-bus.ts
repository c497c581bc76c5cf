import { Counter, Gauge, type Registry } from "prom-client";
import { BusUnavailable, MessageRefused, type ConsumerLag, type EventBus, type BatchHandler, type OutgoingMessage, type Published, type PublishedInOrder, type Subscription } from "./event-bus.ts";

type PublishOutcome = "ok" | "unavailable" | "refused" | "error";

function outcomeOf(error: unknown): PublishOutcome {
  if (error instanceof BusUnavailable) return "unavailable";
  if (error instanceof MessageRefused) return "refused";
  return "error";
}

/**
 * The bus with Prometheus counters around it, whichever bus it is: messages published by topic and
 * outcome, messages handled by group, topic and outcome, and each group's lag per partition, asked
 * of the bus at scrape time. Topics and groups are few and fixed by the code, so labels stay bounded;
 * label children are bound once each.
 */
export class MeteredEventBus implements EventBus {
  private readonly published: Counter<"topic" | "outcome">;
  private readonly consumed: Counter<"group" | "topic" | "outcome">;
  private readonly publishedChildren = new Map<string, Counter.Internal>();

  constructor(
    private readonly inner: EventBus,
    registry: Registry,
  ) {
    this.published = new Counter({
      name: "bus_published_total",
      help: "Messages this process published, by topic and outcome (ok, unavailable, refused, error)",
      labelNames: ["topic", "outcome"] as const,
      registers: [registry],
    });
    this.consumed = new Counter({
      name: "bus_consumed_total",
      help: "Messages this process's consumers handled, by group, topic and outcome (ok; error counts the handler throws, after which what it had not handled is delivered again)",
      labelNames: ["group", "topic", "outcome"] as const,
      registers: [registry],
    });
    new Gauge({
      name: "bus_consumer_lag",
      help: "Messages written to a partition that a consumer group of this process has not handled yet",
      labelNames: ["group", "topic", "partition"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const { group, topic, partition, lag } of await inner.consumerLag()) this.set({ group, topic, partition: String(partition) }, lag);
      },
    });
  }

  get kind(): EventBus["kind"] {
    return this.inner.kind;
  }

  ensureTopics(topics: string[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async publish(topic: string, key: string, value: string, headers?: Record<string, string>): Promise<Published> {
    try {
      const published = await this.inner.publish(topic, key, value, headers);
      this.publishedChild(topic, "ok").inc();
      return published;
    } catch (error) {
      this.publishedChild(topic, outcomeOf(error)).inc();
      throw error;
    }
  }

  async publishInOrder(messages: readonly OutgoingMessage[]): Promise<PublishedInOrder> {
    const result = await this.inner.publishInOrder(messages);
    result.published.forEach((p) => this.publishedChild(p.topic, "ok").inc());
    const failed = messages[result.published.length];
    if (result.error !== undefined && failed) this.publishedChild(failed.topic, outcomeOf(result.error)).inc();
    return result;
  }

  subscribe(group: string, topics: string[], handler: BatchHandler): Promise<Subscription> {
    const children = new Map(topics.map((topic) => [topic, { ok: this.consumed.labels({ group, topic, outcome: "ok" }), error: this.consumed.labels({ group, topic, outcome: "error" }) }]));
    return this.inner.subscribe(group, topics, async (batch) => {
      const counted = children.get(batch.messages[0]?.topic ?? "");
      let next = 0;
      try {
        await handler({
          messages: batch.messages,
          isCurrent: () => batch.isCurrent(),
          handled: async (message) => {
            // Every message up to this one is handled now, those marked before excepted.
            const upTo = batch.messages.indexOf(message, next) + 1;
            if (upTo > next) counted?.ok.inc(upTo - next);
            next = Math.max(next, upTo);
            await batch.handled(message);
          },
        });
      } catch (error) {
        counted?.error.inc();
        throw error;
      }
    });
  }

  consumerLag(): Promise<ConsumerLag[]> {
    return this.inner.consumerLag();
  }

  ping(): Promise<boolean> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private publishedChild(topic: string, outcome: PublishOutcome): Counter.Internal {
    const key = `${outcome}:${topic}`;
    let child = this.publishedChildren.get(key);
    if (!child) this.publishedChildren.set(key, (child = this.published.labels({ topic, outcome })));
    return child;
  }
}
