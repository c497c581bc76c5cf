import { BusUnavailable, MessageRefused, publishOneByOne, type ConsumerLag, type EventBus, type BatchHandler, type OutgoingMessage, type Published, type PublishedInOrder, type Subscription } from "../adapters/bus/event-bus.ts";

/**
 * An in-process bus that a test can take away and bring back, as halting a broker would, or have
 * refuse chosen messages, as Kafka refuses one too large.
 */
export class SwitchableBus implements EventBus {
  readonly kind = "in-process";
  down = false;
  /** Returns a reason to refuse this message with MessageRefused, or undefined to take it. */
  refuse: ((topic: string, key: string, value: string) => string | undefined) | undefined;

  constructor(private readonly inner: EventBus) {}

  ensureTopics(topics: string[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async publish(topic: string, key: string, value: string, headers?: Record<string, string>): Promise<Published> {
    if (this.down) throw new BusUnavailable(`publish to ${topic}: broker unreachable`);
    const refused = this.refuse?.(topic, key, value);
    if (refused) throw new MessageRefused(`publish to ${topic}: ${refused}`);
    return this.inner.publish(topic, key, value, headers);
  }

  publishInOrder(messages: readonly OutgoingMessage[]): Promise<PublishedInOrder> {
    return publishOneByOne(this, messages);
  }

  subscribe(group: string, topics: string[], handler: BatchHandler): Promise<Subscription> {
    return this.inner.subscribe(group, topics, handler);
  }

  consumerLag(): Promise<ConsumerLag[]> {
    return this.inner.consumerLag();
  }

  async ping(): Promise<boolean> {
    return !this.down && (await this.inner.ping());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
