import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type Message, type Producer } from "kafkajs";
import type { Logger } from "../logging/logger.ts";
import { BusUnavailable, MessageRefused, type ConsumerLag, type EventBus, type BatchHandler, type BusMessage, type OutgoingMessage, type Published, type PublishedInOrder, type Subscription } from "./event-bus.ts";
import { ChainBroken, PublishBatcher, PublishChain, type BatchLimits, type Outgoing } from "./publish-batcher.ts";

/**
 * Concurrent publishes share a produce request, under 1 MB (the broker's default largest record
 * batch) and 500 messages per request; how long an idle producer waits is KafkaBusOptions.lingerMs.
 */
const KAFKA_BATCH: Omit<BatchLimits, "lingerMs"> = { maxMessages: 500, maxBytes: 900_000 };
/** A consumer's fetch waits for this many bytes (some 180 events) ... */
const FETCH_MIN_BYTES = 64 * 1024;
/** ... or this long: what a consumer that keeps up adds to an event's way from the broker. */
const FETCH_MAX_WAIT_MS = 100;

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  partitions: number;
  /** Bound on one publish, so a caller answers in time when the broker is away. */
  publishTimeoutMs: number;
  /** How long the first message to an idle producer waits for company (see BatchLimits). */
  lingerMs: number;
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

/** Errors of ours pass as they are; anything else (a kafkajs error, an expiry) means the broker did not take it in time. */
function asBusError(error: unknown, topic: string): Error {
  if (error instanceof BusUnavailable || error instanceof MessageRefused) return error;
  return new BusUnavailable(`publish to ${topic}: ${(error as Error).message}`);
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
  private producer: Producer;
  private readonly admin: Admin;
  private readonly consumers = new Set<Consumer>();
  /** The topics of each group this process consumes with, for consumerLag. */
  private readonly groups = new Map<string, string[]>();
  private connected: Promise<void> | undefined;
  private readonly partitionOf = new WeakMap<Message, number>();
  private readonly batcher: PublishBatcher<Published>;
  private readonly newProducer: () => Producer;

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
    // The default partitioner (murmur2 of the key, as the Java client), noting each message's
    // partition, so a batch's acknowledgement (a base offset per partition) gives every message its offset.
    const partitionOf = this.partitionOf;
    const createPartitioner = () => {
      const choose = Partitioners.DefaultPartitioner();
      return (args: Parameters<ReturnType<typeof Partitioners.DefaultPartitioner>>[0]) => {
        const partition = choose(args);
        partitionOf.set(args.message, partition);
        return partition;
      };
    };
    this.newProducer = () => this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner });
    this.producer = this.newProducer();
    this.batcher = new PublishBatcher((batch) => this.sendBatch(batch), { ...KAFKA_BATCH, lingerMs: options.lingerMs });
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
    // Its caller is told 503 at the deadline, by the batcher; a message still queued then is never sent.
    const deadline = performance.now() + this.options.publishTimeoutMs;
    try {
      return await this.batcher.publish({ topic, key, value, headers }, deadline);
    } catch (error) {
      throw asBusError(error, topic);
    }
  }

  /** All of them queued at once, so they share produce requests; a chain drops the rest at the first failure. */
  async publishInOrder(messages: readonly OutgoingMessage[]): Promise<PublishedInOrder> {
    const deadline = performance.now() + this.options.publishTimeoutMs;
    const chain = new PublishChain();
    const pending = messages.map((m) => this.batcher.publish({ topic: m.topic, key: m.key, value: m.value, headers: m.headers ?? {}, chain }, deadline));
    // Those after a failure are rejected unsent; only the first failure is the caller's answer.
    for (const p of pending) p.catch(() => {});
    const published: Published[] = [];
    for (const [i, p] of pending.entries()) {
      try {
        published.push(await p);
      } catch (error) {
        // A message whose deadline passed in flight may still be written: nothing of the chain goes after it.
        chain.broken = true;
        return { published, error: asBusError(error, messages[i]!.topic) };
      }
    }
    return { published };
  }

  /**
   * One produce request for the batch, acks from all in-sync replicas. When the broker refuses a
   * message of a batch for good, each message is sent again alone, so only the refused one fails.
   */
  private async sendBatch(batch: readonly Outgoing[]): Promise<PromiseSettledResult<Published>[]> {
    try {
      return (await this.produce(batch)).map((value) => ({ status: "fulfilled", value }));
    } catch (error) {
      const refused = refusalType(error);
      if (!refused) throw error;
      if (batch.length === 1) return [{ status: "rejected", reason: new MessageRefused(`publish to ${batch[0]!.topic}: ${refused}: ${(error as Error).message}`) }];
    }
    // One after the other, not at once: the producer sends one request at a time anyway, and order is kept.
    // A message of a chain goes only if the chain's earlier ones went (see PublishChain).
    const outcomes: PromiseSettledResult<Published>[] = [];
    for (const one of batch) {
      if (one.chain?.broken) {
        outcomes.push({ status: "rejected", reason: new ChainBroken("an earlier message of its chain was not published") });
        continue;
      }
      let outcome: PromiseSettledResult<Published>;
      try {
        outcome = (await this.sendBatch([one]))[0]!;
      } catch (error) {
        outcome = { status: "rejected", reason: error };
      }
      if (outcome.status === "rejected" && one.chain) one.chain.broken = true;
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private async produce(batch: readonly Outgoing[]): Promise<Published[]> {
    await this.connect();
    const messages = batch.map((m): Message => ({ key: m.key, value: m.value, headers: m.headers }));
    const byTopic = new Map<string, Message[]>();
    batch.forEach((m, i) => {
      const list = byTopic.get(m.topic) ?? [];
      list.push(messages[i]!);
      byTopic.set(m.topic, list);
    });
    let acked: Awaited<ReturnType<Producer["sendBatch"]>>;
    try {
      acked = await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })) });
    } catch (error) {
      if (!refusalType(error)) await this.renewProducer(error);
      throw error;
    }
    const base = new Map(acked.map((r) => [`${r.topicName}/${r.partition}`, Number(r.baseOffset ?? r.offset)]));
    // Within a topic and partition, kafkajs keeps the messages in the order given: offsets follow it.
    const next = new Map<string, number>();
    return batch.map((m, i) => {
      const partition = this.partitionOf.get(messages[i]!);
      const at = base.get(`${m.topic}/${partition}`);
      if (partition === undefined || at === undefined) throw new BusUnavailable(`Kafka gave no record metadata for ${m.topic}`);
      const slot = `${m.topic}/${partition}`;
      const index = next.get(slot) ?? 0;
      next.set(slot, index + 1);
      return { topic: m.topic, partition, offset: at + index };
    });
  }

  /**
   * A request that got no answer may still be written (a frozen or restarting broker reads it
   * later). kafkajs then reuses its sequence numbers for the next batch, which the broker takes for
   * a retry of that one: acknowledged at the earlier batch's offsets, and dropped. A new producer
   * gets a new producer id, whose sequences the broker checks afresh. A refusal needs none: the
   * broker wrote nothing, and expects those sequence numbers next.
   */
  private async renewProducer(cause: unknown): Promise<void> {
    const old = this.producer;
    this.producer = this.newProducer();
    this.connected = undefined;
    this.log.warn({ err: (cause as Error).message }, "a produce request went unanswered: the next one goes from a new producer id");
    await old.disconnect().catch(() => {});
  }

  async subscribe(group: string, topics: string[], handler: BatchHandler): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: group,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 },
      // A consumer that keeps up would fetch a handful of messages at a time, and kafkajs commits
      // after every batch: the broker would spend more on fetches and commits than on the events.
      // The broker holds a fetch until it has this much, or for this long.
      minBytes: FETCH_MIN_BYTES,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    });
    this.consumers.add(consumer);
    this.groups.set(group, topics);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      // Offsets are committed up to the last message the handler marked handled; a throw leaves
      // the rest for redelivery. Nothing is resolved on the handler's behalf when it returns.
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const { topic, partition } = batch;
        const messages = batch.messages.map((message): BusMessage => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = value.toString();
          return { topic, partition, offset: Number(message.offset), key: message.key?.toString() ?? "", value: message.value?.toString() ?? "", headers };
        });
        await handler({
          messages,
          handled: async (message) => {
            // Resolving the batch's last message also moves past any control record after it,
            // which kafkajs filtered out and the handler never sees.
            resolveOffset(String(message.offset));
            await heartbeat();
          },
          isCurrent: () => isRunning() && !isStale(),
        });
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
