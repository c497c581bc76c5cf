import { sql } from "drizzle-orm";
import type { BusMessage, EventBus, Subscription } from "../../adapters/bus/event-bus.ts";
import type { Database } from "../../adapters/db/database.ts";
import { isDatabaseUnavailable } from "../../adapters/db/database-unavailable.ts";
import type { Logger } from "../../adapters/logging/logger.ts";
import { DomainEvent, topicOf } from "../../contracts/domain-event.ts";
import { sourceOf, type EventSource } from "../../contracts/event-source.ts";
import { handledEvents } from "./events.tables.ts";

export const EVENTS_CONSUMER_GROUP = "events-service";
export const dlqOf = (topic: string) => `${topic}.dlq`;

/**
 * The most events whose bookkeeping shares one lookup and one insert: bounds those statements'
 * parameters (six per event) and what a chunk redelivered after a database outage runs again.
 */
const CHUNK_EVENTS = 250;

/**
 * What the service does with each event, once; a throw is retried, then dead-lettered. `source`
 * says whether a module vouches for the event ("domain") or a client merely posted it ("api"):
 * act on a fact (a payment completed) only when it is "domain".
 */
export type EventAction = (event: DomainEvent, message: BusMessage, source: EventSource) => Promise<void>;

export interface EventsConsumerOptions {
  bus: EventBus;
  db: Database;
  log: Logger;
  /** Defaults to a structured log line at debug level (one info line per event cost more than the rest of the path); tests put a failing one here. */
  onEvent?: EventAction;
  attempts?: number;
  retryDelayMs?: number;
  /** The consumer group; every events service shares the default one. */
  group?: string;
}

/** A poison message: no retry can fix it, so it goes to the DLQ at once. */
class Unreadable extends Error {}

function readEvent(message: BusMessage): DomainEvent {
  let data: unknown;
  try {
    data = JSON.parse(message.value);
  } catch {
    throw new Unreadable("value is not JSON");
  }
  const parsed = DomainEvent.safeParse(data);
  if (!parsed.success) throw new Unreadable(`not an event: ${parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/**
 * The events service's consumer group on every event topic. Each event is handled once by id:
 * the ids of a chunk of events are recorded after their actions succeed, and a redelivered id is
 * skipped (a second copy in the same chunk too). Its source comes
 * from the `event-source` header, never from the body, and is recorded with the id. An action that
 * throws is tried `attempts` times, then the message goes to `<topic>.dlq` with the reason (but a
 * database that is away is waited for, never dead-lettered); offsets are committed only up to the
 * last chunk recorded, so nothing is half-handled at shutdown.
 */
export async function startEventsConsumer(options: EventsConsumerOptions): Promise<Subscription> {
  const { bus, db, log } = options;
  const attempts = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const onEvent: EventAction =
    options.onEvent ??
    (async (event, m, source) =>
      log.debug({ topic: m.topic, partition: m.partition, offset: m.offset, type: event.type, id: event.id, key: m.key, source }, `${source} event consumed`));
  const topics = Object.values(topicOf);
  await bus.ensureTopics([...topics, ...topics.map(dlqOf)]);

  const deadLetter = async (message: BusMessage, reason: string) => {
    await bus.publish(dlqOf(message.topic), message.key, message.value, {
      ...message.headers,
      "dlq-reason": reason,
      "dlq-source": `${message.topic}/${message.partition}/${message.offset}`,
    });
    log.error({ topic: message.topic, partition: message.partition, offset: message.offset, reason }, "event dead-lettered");
  };

  /** Runs the action (with its retries) and says whether the event was handled, not dead-lettered. */
  const act = async (event: DomainEvent, message: BusMessage, source: EventSource): Promise<boolean> => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await onEvent(event, message, source);
        return true;
      } catch (error) {
        // The database away is an outage, not a bad event: never dead-letter for it. Thrown, it
        // leaves the offset uncommitted, and the bus delivers again once the database is back.
        if (isDatabaseUnavailable(error)) throw error;
        lastError = error;
        log.warn({ id: event.id, attempt, err: (error as Error).message }, "event handler failed");
        if (attempt < attempts) await new Promise((r) => setTimeout(r, retryDelayMs * attempt));
      }
    }
    // If the DLQ cannot take it either, this throws: the offset stays and the bus delivers again.
    await deadLetter(message, `handler failed ${attempts} times: ${(lastError as Error).message}`);
    return false;
  };

  // The handled-once bookkeeping of a chunk of messages costs one lookup and one insert, not a
  // pair per event (that pair was most of the database's work and a sixth of this process's
  // under load). A throw redelivers the chunk: the actions that ran in it run again. Both are
  // prepared once with one array per column: a statement built per chunk, with six parameters
  // per event, spent 13 % of this process's time in drizzle's query builder.
  const handledAmong = db
    .select({ id: handledEvents.eventId })
    .from(handledEvents)
    .where(sql`${handledEvents.eventId} = any(${sql.placeholder("ids")}::text[])`)
    .prepare("handled_events_among");
  const recordHandled = db
    .insert(handledEvents)
    .select(
      sql`select *, now() from unnest(${sql.placeholder("ids")}::text[], ${sql.placeholder("topics")}::text[], ${sql.placeholder("partitions")}::integer[], ${sql.placeholder("offsets")}::integer[], ${sql.placeholder("types")}::text[], ${sql.placeholder("sources")}::text[])`,
    )
    .onConflictDoNothing()
    .prepare("record_handled_events");
  const handleChunk = async (messages: readonly BusMessage[]) => {
    const read = messages.map((message) => {
      try {
        return { message, event: readEvent(message) };
      } catch (error) {
        if (error instanceof Unreadable) return { message, unreadable: error.message };
        throw error;
      }
    });
    const ids = read.flatMap((r) => (r.event ? [r.event.id] : []));
    const done = new Set(ids.length === 0 ? [] : (await handledAmong.execute({ ids })).map((r) => r.id));
    const handled: Required<Omit<typeof handledEvents.$inferInsert, "handledAt">>[] = [];
    for (const { message, event, unreadable } of read) {
      if (!event) {
        await deadLetter(message, unreadable!);
      } else if (done.has(event.id)) {
        log.info({ topic: message.topic, partition: message.partition, offset: message.offset, id: event.id }, "duplicate event skipped");
      } else {
        const source = sourceOf(message.headers);
        if (await act(event, message, source)) {
          done.add(event.id);
          handled.push({ eventId: event.id, topic: message.topic, partition: message.partition, offset: message.offset, type: event.type, source });
        }
      }
    }
    if (handled.length === 0) return;
    await recordHandled.execute({
      ids: handled.map((h) => h.eventId),
      topics: handled.map((h) => h.topic),
      partitions: handled.map((h) => h.partition),
      offsets: handled.map((h) => h.offset),
      types: handled.map((h) => h.type),
      sources: handled.map((h) => h.source),
    });
  };

  return bus.subscribe(options.group ?? EVENTS_CONSUMER_GROUP, topics, async (batch) => {
    for (let from = 0; from < batch.messages.length && batch.isCurrent(); from += CHUNK_EVENTS) {
      const chunk = batch.messages.slice(from, from + CHUNK_EVENTS);
      await handleChunk(chunk);
      await batch.handled(chunk.at(-1)!);
    }
  });
}

/**
 * Keeps the consumer group running: joins when the broker is reachable, tries again every few
 * seconds while it is not, so the events service starts (and answers 503 health) with Kafka away.
 */
export function runEventsConsumer(options: EventsConsumerOptions, retryMs = 2_000): Subscription {
  let subscription: Subscription | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async () => {
    try {
      const joined = await startEventsConsumer(options);
      if (stopped) await joined.stop();
      else subscription = joined;
    } catch (error) {
      options.log.warn({ err: (error as Error).message, retryInMs: retryMs }, "events consumer cannot start yet");
      if (!stopped) timer = setTimeout(() => void (pending = attempt()), retryMs);
    }
  };
  let pending = attempt();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await pending;
      await subscription?.stop();
    },
  };
}
