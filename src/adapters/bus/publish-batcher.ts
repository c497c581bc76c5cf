/**
 * Messages that must reach the bus in their order, each only if every one before it did (the outbox
 * relay's rows): once one fails, the rest are dropped unsent, wherever they wait.
 */
export class PublishChain {
  broken = false;
}

/** One message waiting for its batch. */
export interface Outgoing {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  chain?: PublishChain;
}

export interface BatchLimits {
  /**
   * How long the first message of an idle batcher waits for company; 0 waits for nothing but the
   * end of the event loop's turn, so the publishes of requests read together still go together.
   */
  lingerMs: number;
  /** At most this many messages per send. */
  maxMessages: number;
  /** At most about this many bytes of keys and values per send (one message larger than it goes alone). */
  maxBytes: number;
}

/**
 * Sends one batch; resolves with one outcome per message, in order, once all are acknowledged (a
 * message may fail alone); rejects when the whole batch failed.
 */
export type SendBatch<R> = (batch: readonly Outgoing[]) => Promise<PromiseSettledResult<R>[]>;

interface Waiting<R> {
  message: Outgoing;
  bytes: number;
  deadline: number;
  /** Set once its caller has been answered: a later outcome (an acknowledgement after the deadline) is dropped. */
  settled: boolean;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/** A message whose caller's deadline passed while it waited: it was never sent. */
export class PublishExpired extends Error {}

/** A message sent but not acknowledged by its caller's deadline: it may still be written. */
export class PublishTimedOut extends Error {}

/** A message of a chain whose earlier message failed: it was never sent. */
export class ChainBroken extends Error {}

function rejectOne<R>(w: Waiting<R>, reason: unknown): void {
  if (w.message.chain) w.message.chain.broken = true;
  settle(w)?.reject(reason);
}

/** The waiter, marked answered; undefined when its caller was already answered. */
function settle<R>(w: Waiting<R>): Waiting<R> | undefined {
  if (w.settled) return undefined;
  w.settled = true;
  return w;
}

/**
 * Coalesces concurrent publishes into one send at a time: messages that arrive while a send is in
 * flight (or within the linger of the first) go together in the next one, up to the limits. Each
 * caller's promise settles with its own message's result, so a caller still hears only after its
 * message is acknowledged. One send at a time keeps the order of messages as they were published,
 * and keeps Kafka's idempotent producer sound: a send that took the sequence numbers a failed send
 * handed back would be taken by the broker for that one's duplicate, acknowledged and never written
 * (seen by the fault suite, Kafka restarted under concurrent POSTs). A message whose caller was
 * already told it failed (its deadline passed in the queue) is dropped, not sent: the topic never
 * gets an event its client was refused. Likewise a message of a broken chain (see PublishChain).
 * Every caller is answered by its deadline, even while its message is in flight (PublishTimedOut):
 * one timer for the whole batcher, at the earliest deadline, not a timer and a race per message
 * (those were six promises and a timer per event on the events service's hot path, issue 13).
 */
export class PublishBatcher<R> {
  private queue: Waiting<R>[] = [];
  private queuedBytes = 0;
  private sending = false;
  /** The batch in flight, whose callers the deadline timer may answer before the broker does. */
  private inFlight: Waiting<R>[] = [];
  /** Cancels the linger's pending flush. */
  private cancelLinger: (() => void) | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** When the deadline timer fires (performance.now() time); Infinity when none is set. */
  private deadlineTimerAt = Infinity;

  constructor(
    private readonly send: SendBatch<R>,
    private readonly limits: BatchLimits,
  ) {}

  /** Queues one message; `deadline` (performance.now() time) is when its caller stops waiting. */
  publish(message: Outgoing, deadline = Infinity): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const bytes = message.key.length + message.value.length + 64;
      this.queue.push({ message, bytes, deadline, settled: false, resolve, reject });
      this.queuedBytes += bytes;
      if (deadline < this.deadlineTimerAt) this.armDeadlineTimer(deadline);
      if (this.sending) return;
      if (this.queue.length >= this.limits.maxMessages || this.queuedBytes >= this.limits.maxBytes) this.flush();
      else this.cancelLinger ??= this.linger();
    });
  }

  private linger(): () => void {
    if (this.limits.lingerMs === 0) {
      const immediate = setImmediate(() => this.flush());
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(() => this.flush(), this.limits.lingerMs);
    return () => clearTimeout(timer);
  }

  private flush(): void {
    this.cancelLinger?.();
    this.cancelLinger = undefined;
    if (this.sending) return;
    this.dropUnsendable();
    if (this.queue.length === 0) return;
    const batch = this.take();
    this.sending = true;
    this.inFlight = batch;
    this.send(batch.map((w) => w.message)).then(
      (outcomes) =>
        batch.forEach((w, i) => {
          const outcome = outcomes[i];
          if (outcome?.status === "fulfilled") settle(w)?.resolve(outcome.value);
          else rejectOne(w, outcome ? outcome.reason : new Error("no outcome for a message of the batch"));
        }),
      (error: unknown) => batch.forEach((w) => rejectOne(w, error)),
    ).finally(() => {
      this.sending = false;
      this.inFlight = [];
      // What queued during the send goes at once: it has already waited for a whole round trip.
      if (this.queue.length > 0) this.flush();
    });
  }

  /** Drops, in queue order, the messages whose caller stopped waiting or whose chain broke. */
  private dropUnsendable(): void {
    const now = performance.now();
    const unsendable = (w: Waiting<R>) => w.deadline <= now || w.message.chain?.broken === true;
    if (!this.queue.some(unsendable)) return;
    const kept: Waiting<R>[] = [];
    for (const w of this.queue) {
      if (!unsendable(w)) {
        kept.push(w);
        continue;
      }
      this.queuedBytes -= w.bytes;
      // In order, so an expired message breaks its chain before the next one of it is looked at.
      if (w.message.chain?.broken) settle(w)?.reject(new ChainBroken("an earlier message of its chain was not published"));
      else rejectOne(w, new PublishExpired("its caller's deadline passed before its turn to be sent"));
    }
    this.queue = kept;
  }

  private armDeadlineTimer(at: number): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimerAt = at;
    this.deadlineTimer = setTimeout(() => this.answerExpired(), Math.max(0, at - performance.now()));
    // A pending deadline alone must not keep the process alive.
    this.deadlineTimer.unref();
  }

  /** At a deadline: the queue's expired messages are dropped, the in-flight ones' callers told; then the next deadline is armed. */
  private answerExpired(): void {
    this.deadlineTimer = undefined;
    this.deadlineTimerAt = Infinity;
    this.dropUnsendable();
    const now = performance.now();
    for (const w of this.inFlight) {
      if (w.deadline <= now) rejectOne(w, new PublishTimedOut("sent, but not acknowledged by its caller's deadline"));
    }
    let next = Infinity;
    for (const w of this.queue) if (w.deadline < next) next = w.deadline;
    for (const w of this.inFlight) if (!w.settled && w.deadline < next) next = w.deadline;
    if (next < Infinity) this.armDeadlineTimer(next);
  }

  private take(): Waiting<R>[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < this.limits.maxMessages) {
      const next = this.queue[count]!.bytes;
      if (count > 0 && bytes + next > this.limits.maxBytes) break;
      bytes += next;
      count++;
    }
    const batch = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    this.queuedBytes -= bytes;
    return batch;
  }
}
