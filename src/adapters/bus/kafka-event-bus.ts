import { Kafka, logLevel, type Admin, type Consumer, type Producer } from "kafkajs";
import type { Logger } from "../logging/logger.ts";
import { BusUnavailable, MessageRefused, type ConsumerLag, type EventBus, type MessageHandler, type Published, type Subscription } from "./event-bus.ts";

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  partitions: number;
  /** Bound on one publish, so a caller answers in time when the broker is away. */
  publishTimeoutMs: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BusUnavailable(`${what}: no answer from Kafka in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Kafka error codes that refuse the message itself: the same bytes will be refused again, while
 * the broker takes others. Authorization and format-version errors are left out on purpose: they
 * refuse every message until someone fixes the configuration, so they must make senders wait.
 */
const REFUSALS = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD", "CORRUPT_MESSAGE", "INVALID_TOPIC_EXCEPTION"]);

/** The protocol error type behind a kafkajs error, which wraps it in `cause` when it gives up. */
function refusalType(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === "string" && REFUSALS.has(type)) return type;
  }
  return undefined;
}

/** The bus on Apache Kafka through kafkajs: an idempotent producer, acks from all in-sync replicas. */
export class KafkaEventBus implements EventBus {
  readonly kind = "kafka";
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly consumers = new Set<Consumer>();
  /** The topics of each group this process consumes with, for consumerLag. */
  private readonly groups = new Map<string, string[]>();
  private connected: Promise<void> | undefined;
  /** The send in flight; the next one starts when it ends (see publish). */
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: KafkaBusOptions,
    private readonly log: Logger,
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 2_000,
      requestTimeout: options.publishTimeoutMs,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
      logCreator: () => ({ namespace, level, log: entry }) => {
        const { message, ...extra } = entry;
        if (level <= logLevel.WARN) this.log.warn({ kafka: namespace, ...extra }, message);
      },
    });
    // Idempotent: a retried send is written once, in order (at most 5 in flight is kafkajs's rule; 1 keeps order simple).
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.admin = this.kafka.admin();
  }

  private connect(): Promise<void> {
    this.connected ??= Promise.all([this.producer.connect(), this.admin.connect()]).then(
      () => undefined,
      (error) => {
        this.connected = undefined;
        throw new BusUnavailable(`cannot connect to Kafka at ${this.options.brokers.join(",")}: ${(error as Error).message}`);
      },
    );
    return this.connected;
  }

  async ensureTopics(topics: string[]): Promise<void> {
    await withTimeout(this.connect(), 15_000, "connect");
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions, replicationFactor: -1 })),
    });
  }

  async publish(topic: string, key: string, value: string, headers: Record<string, string> = {}): Promise<Published> {
    const deadline = performance.now() + this.options.publishTimeoutMs;
    const send = async () => {
      // Its caller has been told 503 already: sending now would put on the topic an event refused to its client.
      if (performance.now() >= deadline) throw new BusUnavailable(`publish to ${topic}: no turn to send in ${this.options.publishTimeoutMs} ms`);
      await this.connect();
      const [meta] = await this.producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
      if (!meta) throw new BusUnavailable(`Kafka gave no record metadata for ${topic}`);
      return { topic, partition: meta.partition, offset: Number(meta.baseOffset ?? meta.offset) };
    };
    // One send at a time, its retries included. kafkajs hands a failed send's sequence numbers back
    // and retries it after a pause; a send that takes those numbers in the pause is, to the broker,
    // a duplicate of the first when that one was in fact written (its answer lost to a broker
    // restart), so it is acknowledged with the first one's offset and never written: a 201 for an
    // event that is not in Kafka (seen by the fault suite, Kafka restarted under concurrent POSTs).
    // Alone, a retry reuses its own numbers, which is the duplicate the idempotent producer drops.
    const turn = this.sending.then(send);
    this.sending = turn.catch(() => {});
    try {
      return await withTimeout(turn, this.options.publishTimeoutMs, `publish to ${topic}`);
    } catch (error) {
      if (error instanceof BusUnavailable) throw error;
      const refused = refusalType(error);
      if (refused) throw new MessageRefused(`publish to ${topic}: ${refused}: ${(error as Error).message}`);
      throw new BusUnavailable(`publish to ${topic}: ${(error as Error).message}`);
    }
  }

  async subscribe(group: string, topics: string[], handler: MessageHandler): Promise<Subscription> {
    const consumer = this.kafka.consumer({ groupId: group, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 } });
    this.consumers.add(consumer);
    this.groups.set(group, topics);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      // Offsets are committed for messages whose handler resolved; a throw leaves the offset for redelivery.
      autoCommit: true,
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = value.toString();
        await handler({ topic, partition, offset: Number(message.offset), key: message.key?.toString() ?? "", value: message.value?.toString() ?? "", headers });
      },
    });
    return {
      stop: async () => {
        await consumer.disconnect();
        this.consumers.delete(consumer);
        this.groups.delete(group);
      },
    };
  }

  /**
   * Asked of the broker at each call (a scrape): each group's committed offsets against each
   * partition's high watermark. A group that committed nothing yet lags from the oldest kept offset.
   */
  async consumerLag(): Promise<ConsumerLag[]> {
    if (this.groups.size === 0) return [];
    const ask = async (): Promise<ConsumerLag[]> => {
      await this.connect();
      const lags: ConsumerLag[] = [];
      for (const [group, topics] of this.groups) {
        const committed = await this.admin.fetchOffsets({ groupId: group, topics });
        for (const { topic, partitions } of committed) {
          const ends = new Map((await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
          for (const { partition, offset } of partitions) {
            const end = ends.get(partition);
            if (!end) continue;
            const from = Number(offset) < 0 ? Number(end.low) : Math.max(Number(offset), Number(end.low));
            lags.push({ group, topic, partition, lag: Math.max(0, Number(end.high) - from) });
          }
        }
      }
      return lags;
    };
    return withTimeout(ask(), 2_000, "consumer lag").catch(() => []);
  }

  async ping(): Promise<boolean> {
    try {
      await withTimeout(
        this.connect().then(() => this.admin.describeCluster()),
        2_000,
        "ping",
      );
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
