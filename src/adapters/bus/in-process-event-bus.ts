import { createHash } from "node:crypto";
import { MessageRefused, publishOneByOne, type BusMessage, type ConsumerLag, type EventBus, type BatchHandler, type OutgoingMessage, type Published, type PublishedInOrder, type Subscription } from "./event-bus.ts";
import { PartitionLog, type Retention } from "./partition-log.ts";

const PARTITIONS = 3;
const REDELIVERY_DELAY_MS = 100;
/** The most messages of one partition handed over at once (Kafka's fetch is bounded by bytes; this log by count). */
const BATCH_MESSAGES = 500;
/**
 * How long a woken consumer lets messages gather before it reads, as a Kafka fetch waits for
 * bytes: one that keeps up would otherwise take each message alone, and pay its handler's
 * per-batch work (the events consumer's database round trips) per message.
 */
const GATHER_MS = 10;

export interface InProcessBusOptions {
  /** Largest message taken (key, value and headers, in UTF-8 bytes); Kafka's message.max.bytes default, so what one refuses the other does too. */
  maxMessageBytes: number;
  /** What each partition keeps; see `defaults`. */
  retention: Retention;
  /** Milliseconds since the epoch; tests move it to age messages. */
  clock: () => number;
}

/**
 * Retention defaults: 10,000 messages per partition or 24 hours, whichever comes first. Kafka
 * keeps 7 days on disk; this log lives in the memory of one process, which loses it at exit
 * anyway, and its consumers run in that process and keep up. 10,000 messages of about 1 KB on
 * 3 partitions of the 6 topics (events and their DLQs) is at most some 180 MB, hours of the
 * all-in-one's traffic.
 */
const defaults: InProcessBusOptions = {
  maxMessageBytes: 1_048_588,
  retention: { maxMessages: 10_000, maxAgeMs: 24 * 60 * 60 * 1000 },
  clock: Date.now,
};

function sizeOf(key: string, value: string, headers: Record<string, string>): number {
  let bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
  for (const [name, text] of Object.entries(headers)) bytes += Buffer.byteLength(name) + Buffer.byteLength(text);
  return bytes;
}

interface Group {
  /** Next offset to deliver, per topic and partition. */
  committed: Map<string, number[]>;
  /** Every topic's partitions, in the order they take turns. */
  slots: (readonly [topic: string, partition: number])[];
  /** The slot where the next look for messages starts. */
  turn: number;
  wake: () => void;
}

/**
 * Kafka's model in memory, for the all-in-one and `npm test`: per-topic partitions chosen by key,
 * offsets per partition, consumer groups that each read every message once in partition order and
 * get a message again when its handler throws. Nothing survives the process. Each partition keeps
 * its newest messages only (see `defaults`); a group whose next offset has fallen off goes on from
 * the oldest one kept, as Kafka's auto.offset.reset=earliest does.
 */
export class InProcessEventBus implements EventBus {
  readonly kind = "in-process";
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  /** Committed offsets outlive a group's members, as Kafka's __consumer_offsets do. */
  private readonly offsets = new Map<string, Map<string, number[]>>();
  private closed = false;
  private readonly options: InProcessBusOptions;

  constructor(options: Partial<InProcessBusOptions> = {}) {
    this.options = { ...defaults, ...options } satisfies InProcessBusOptions;
  }

  async ensureTopics(topics: string[]): Promise<void> {
    for (const t of topics) {
      if (!this.topics.has(t)) this.topics.set(t, Array.from({ length: PARTITIONS }, () => new PartitionLog(this.options.retention, this.options.clock)));
    }
  }

  async publish(topic: string, key: string, value: string, headers: Record<string, string> = {}): Promise<Published> {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new Error(`topic ${topic} does not exist`);
    const bytes = sizeOf(key, value, headers);
    if (bytes > this.options.maxMessageBytes) throw new MessageRefused(`publish to ${topic}: message of ${bytes} bytes is larger than ${this.options.maxMessageBytes}`);
    const partition = createHash("md5").update(key).digest().readUInt32BE(0) % PARTITIONS;
    const message = partitions[partition]!.append((offset) => ({ topic, partition, offset, key, value, headers: { ...headers } }));
    for (const group of this.groups.values()) group.wake();
    return { topic, partition, offset: message.offset };
  }

  publishInOrder(messages: readonly OutgoingMessage[]): Promise<PublishedInOrder> {
    return publishOneByOne(this, messages);
  }

  async subscribe(groupId: string, topics: string[], handler: BatchHandler): Promise<Subscription> {
    await this.ensureTopics(topics);
    let wake: () => void = () => {};
    if (this.groups.has(groupId)) throw new Error(`consumer group ${groupId} already has a member in this process`);
    const saved = this.offsets.get(groupId) ?? new Map<string, number[]>();
    this.offsets.set(groupId, saved);
    for (const t of topics) if (!saved.has(t)) saved.set(t, new Array(PARTITIONS).fill(0));
    const committed = new Map(topics.map((t) => [t, saved.get(t)!]));
    const slots = topics.flatMap((topic) => Array.from({ length: PARTITIONS }, (_, p) => [topic, p] as const));
    const group: Group = { committed, slots, turn: 0, wake: () => wake() };
    this.groups.set(groupId, group);
    let running = true;
    const isCurrent = () => running && !this.closed;
    const loop = (async () => {
      while (isCurrent()) {
        const messages = this.nextBatchFor(group);
        if (messages.length === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
          continue;
        }
        const handled = async (message: BusMessage) => {
          const offsets = group.committed.get(message.topic)!;
          offsets[message.partition] = Math.max(offsets[message.partition]!, message.offset + 1);
        };
        const last = messages.at(-1)!;
        let unmarked = true;
        try {
          await handler({ messages, handled, isCurrent });
          unmarked = group.committed.get(last.topic)![last.partition]! <= last.offset;
        } catch {
          // What it had not marked is delivered again, after a pause, as after a return.
        }
        if (unmarked && isCurrent()) await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS));
      }
    })();
    return {
      stop: async () => {
        running = false;
        wake();
        await loop;
        this.groups.delete(groupId);
      },
    };
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    const lags: ConsumerLag[] = [];
    for (const [group, topics] of this.offsets) {
      for (const [topic, offsets] of topics) {
        this.topics.get(topic)?.forEach((log, partition) => lags.push({ group, topic, partition, lag: log.end - Math.max(offsets[partition]!, log.earliest) }));
      }
    }
    return lags;
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const group of this.groups.values()) group.wake();
  }

  /**
   * The next messages of a partition that has any for this group, oldest first. Partitions take
   * turns, so that one that is always busy does not keep the others waiting.
   */
  private nextBatchFor(group: Group): BusMessage[] {
    const { slots } = group;
    for (let i = 0; i < slots.length; i++) {
      const slot = (group.turn + i) % slots.length;
      const [topic, p] = slots[slot]!;
      const log = this.topics.get(topic)![p]!;
      const batch: BusMessage[] = [];
      for (let offset = Math.max(group.committed.get(topic)![p]!, log.earliest); batch.length < BATCH_MESSAGES; offset++) {
        const message = log.at(offset);
        if (!message) break;
        batch.push(message);
      }
      if (batch.length > 0) {
        group.turn = slot + 1;
        return batch;
      }
    }
    return [];
  }
}
