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
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("messages_pending_idx").on(t.id).where(sql`${t.sentAt} is null`)],
);
