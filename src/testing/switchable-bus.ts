import { BusUnavailable, type EventBus, type MessageHandler, type Published, type Subscription } from "../adapters/bus/event-bus.ts";

/** An in-process bus that a test can take away and bring back, as halting a broker would. */
export class SwitchableBus implements EventBus {
  readonly kind = "in-process";
  down = false;

  constructor(private readonly inner: EventBus) {}

  ensureTopics(topics: string[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async publish(topic: string, key: string, value: string, headers?: Record<string, string>): Promise<Published> {
    if (this.down) throw new BusUnavailable(`publish to ${topic}: broker unreachable`);
    return this.inner.publish(topic, key, value, headers);
  }

  subscribe(group: string, topics: string[], handler: MessageHandler): Promise<Subscription> {
    return this.inner.subscribe(group, topics, handler);
  }

  async ping(): Promise<boolean> {
    return !this.down && (await this.inner.ping());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
