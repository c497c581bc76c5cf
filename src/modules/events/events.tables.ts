import { integer, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

export const eventsSchema = pgSchema("events");

/** Event ids the consumer group has handled: a redelivered event finds its id here and is skipped. */
export const handledEvents = eventsSchema.table("handled_events", {
  eventId: text("event_id").primaryKey(),
  topic: text("topic").notNull(),
  partition: integer("partition").notNull(),
  offset: integer("offset").notNull(),
  type: text("type").notNull(),
  handledAt: timestamp("handled_at", { withTimezone: true }).notNull().defaultNow(),
});
