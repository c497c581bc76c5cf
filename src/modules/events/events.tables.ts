import { sql } from "drizzle-orm";
import { check, integer, pgSchema, text, timestamp } from "drizzle-orm/pg-core";
import type { EventSource } from "../../contracts/event-source.ts";

export const eventsSchema = pgSchema("events");

/** Event ids the consumer group has handled: a redelivered event finds its id here and is skipped. */
export const handledEvents = eventsSchema.table(
  "handled_events",
  {
  eventId: text("event_id").primaryKey(),
  topic: text("topic").notNull(),
  partition: integer("partition").notNull(),
  offset: integer("offset").notNull(),
  type: text("type").notNull(),
  /** Rows from before sources were recorded say "api": nothing proves they were domain events. */
  source: text("source").$type<EventSource>().notNull().default("api"),
  handledAt: timestamp("handled_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("handled_events_source_check", sql`${t.source} in ('domain', 'api')`)],
);
