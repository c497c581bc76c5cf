import type { BusMessage } from "./event-bus.ts";

/** How much of a partition the in-process log keeps; whichever bound is reached first drops the oldest. */
export interface Retention {
  /** Messages kept per partition (a stand-in for Kafka's retention.bytes, which counts bytes). */
  maxMessages: number;
  /** Age after which a message is dropped, as Kafka's retention.ms. */
  maxAgeMs: number;
}

/**
 * One partition of the in-process log: offsets rise forever, and the oldest messages fall off
 * past the retention bounds, so a long-running all-in-one does not keep every event in memory.
 */
export class PartitionLog {
  private entries: { message: BusMessage; at: number }[] = [];
  /** Index in `entries` of the oldest retained message; the slots before it are dropped. */
  private head = 0;
  /** Offset of `entries[0]`. */
  private base = 0;

  constructor(
    private readonly retention: Retention,
    private readonly clock: () => number,
  ) {}

  /** Offset of the oldest message still kept (equal to `end` when none is). */
  get earliest(): number {
    return this.base + this.head;
  }

  /** Offset the next message gets. */
  get end(): number {
    return this.base + this.entries.length;
  }

  append(make: (offset: number) => BusMessage): BusMessage {
    const message = make(this.end);
    this.entries.push({ message, at: this.clock() });
    this.trim();
    return message;
  }

  /**
   * The message at this offset, if it is still kept and already written. Retention is applied when
   * a message is appended, not here: reads happen per partition on every consumer turn, and a log
   * that receives nothing has nothing new to drop (Kafka too deletes lazily, by segment).
   */
  at(offset: number): BusMessage | undefined {
    if (offset < this.earliest) return undefined;
    return this.entries[offset - this.base]?.message;
  }

  private trim(): void {
    const oldest = this.clock() - this.retention.maxAgeMs;
    while (this.head < this.entries.length && (this.entries.length - this.head > this.retention.maxMessages || this.entries[this.head]!.at < oldest)) {
      this.head++;
    }
    // Compact now and then rather than shift() per message: dropping stays O(1) amortized.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }
}
