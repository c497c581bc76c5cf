import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

export const outboxSchema = pgSchema("outbox");

/**
 * Messages written in the same transaction as the row they announce, and published by the relay in
 * id order. A row with sent_at set is on the bus; the rest are pending.
 */
export const outboxMessages = outboxSchema.table(
  "messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    topic: text("topic").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    /** Every publish tried, whatever became of it. */
    attempts: integer("attempts").notNull().default(0),
    /** Only the times the broker refused this message itself; an outage never counts here, so it never parks a row. */
    refusals: integer("refusals").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("messages_pending_idx").on(t.id).where(sql`${t.sentAt} is null`)],
);

/**
 * The outbox's dead letters: rows the bus refused too often, moved here with their outbox id so a
 * replay puts them back in their place. While a row of an entity (topic and key) is here, the
 * relay holds that entity's later rows, so no consumer sees them out of order.
 */
export const parkedMessages = outboxSchema.table(
  "parked_messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey(),
    topic: text("topic").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    headers: jsonb("headers").$type<Record<string, string>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    parkedAt: timestamp("parked_at", { withTimezone: true }).notNull().defaultNow(),
    attempts: integer("attempts").notNull(),
    refusals: integer("refusals").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [index("parked_messages_entity_idx").on(t.topic, t.key)],
);
