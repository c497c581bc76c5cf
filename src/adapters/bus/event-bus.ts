import type { InjectionToken } from "tsyringe";

/** One message as a consumer sees it. */
export interface BusMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Where the bus put a published message. */
export interface Published {
  topic: string;
  partition: number;
  offset: number;
}

/** One message to publish. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** What publishInOrder put on the bus: the placements of the messages taken, and why it stopped if it did. */
export interface PublishedInOrder {
  /** One per message taken, in order: the first `published.length` messages are on the bus. */
  published: Published[];
  /** Why the message after those was not taken (BusUnavailable, MessageRefused...); none after it was sent. */
  error?: unknown;
}

/** A handler resolves when the message is handled (its offset may be committed); a throw means "deliver again". */
export type MessageHandler = (message: BusMessage) => Promise<void>;

/** Messages of one partition fetched together, and how their consumer reports its progress. */
export interface MessageBatch {
  /** In offset order. */
  readonly messages: readonly BusMessage[];
  /** Marks this message and every one before it handled: their offsets may be committed, and a later throw delivers again only what follows. */
  handled(message: BusMessage): Promise<void>;
  /** False once the subscription is stopping or the partition has gone to another member: take no further message (what is not marked handled is delivered again). */
  isCurrent(): boolean;
}

/** Handles a batch, marking what it handled as it goes; what it did not mark, whether it returns or throws, is delivered again. */
export type BatchHandler = (batch: MessageBatch) => Promise<void>;

/** A batch handler that hands each message to `handler` in turn, marking it handled once it resolves. */
export function eachMessage(handler: MessageHandler): BatchHandler {
  return async (batch) => {
    for (const message of batch.messages) {
      if (!batch.isCurrent()) return;
      await handler(message);
      await batch.handled(message);
    }
  };
}

export interface Subscription {
  /** Stops fetching, waits for the batch in hand to finish, commits what was marked handled, leaves the group. */
  stop(): Promise<void>;
}

/** How far one consumer group is behind on one partition: messages written it has not yet handled. */
export interface ConsumerLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** The broker could not take or give a message in time. */
export class BusUnavailable extends Error {
  override name = "BusUnavailable";
}

/**
 * The broker answered, and will never take this message as it is (too large, an invalid record or
 * topic name). Unlike BusUnavailable, sending the same message again cannot help; other messages
 * are not affected.
 */
export class MessageRefused extends Error {
  override name = "MessageRefused";
}

/** The event bus port: Kafka, or an in-process log that behaves like it. Modules publish only through it. */
export interface EventBus {
  readonly kind: "kafka" | "in-process";
  /** Creates the topics that are missing; existing ones are left as they are. */
  ensureTopics(topics: string[]): Promise<void>;
  /**
   * Appends a message to the key's partition; resolves when every in-sync replica has it; throws
   * BusUnavailable when it cannot in time, MessageRefused when the broker rejects this message for good.
   */
  publish(topic: string, key: string, value: string, headers?: Record<string, string>): Promise<Published>;
  /**
   * Publishes the messages in the order given, as publish does each but as few requests as the bus
   * allows, and stops at the first one it cannot take: no message after that one is ever sent, so
   * a caller that retries from there keeps every key's order.
   */
  publishInOrder(messages: readonly OutgoingMessage[]): Promise<PublishedInOrder>;
  /**
   * Joins a consumer group on these topics; each partition's messages reach the handler in order,
   * in batches, one batch at a time (`eachMessage` turns a handler of one message into one).
   */
  subscribe(group: string, topics: string[], handler: BatchHandler): Promise<Subscription>;
  /** The lag of every group this process consumes with, per partition; empty when the broker cannot say. */
  consumerLag(): Promise<ConsumerLag[]>;
  /** Whether the broker answers; never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** publishInOrder for a bus whose publish has no cheaper way to send several: one after the other. */
export async function publishOneByOne(bus: Pick<EventBus, "publish">, messages: readonly OutgoingMessage[]): Promise<PublishedInOrder> {
  const published: Published[] = [];
  for (const m of messages) {
    try {
      published.push(await bus.publish(m.topic, m.key, m.value, m.headers));
    } catch (error) {
      return { published, error };
    }
  }
  return { published };
}

export const EVENT_BUS: InjectionToken<EventBus> = Symbol("EventBus");
