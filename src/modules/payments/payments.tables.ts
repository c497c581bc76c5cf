import { sql } from "drizzle-orm";
import { exactTimestamp } from "../../adapters/db/exact-timestamp.ts";
import { listVersionsTable } from "../../adapters/list-cache/list-version.ts";
import { check, index, integer, numeric, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

export const paymentsSchema = pgSchema("payments");

// user_id refers to users.users.id by value only: the users module may live in another
// database once extracted, so existence is asked of the users port, not enforced by a foreign key.
export const payments = paymentsSchema.table(
  "payments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id").notNull(),
    // Money is exact: numeric, not float. Read back as a JS number (2 decimals fit a double exactly enough to print).
    amount: numeric("amount", { precision: 12, scale: 2, mode: "number" }).notNull(),
    timestamp: timestamp("timestamp", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("payments_user_id_idx").on(t.userId), check("payments_amount_positive", sql`${t.amount} > 0`)],
);

export const subscriptions = paymentsSchema.table(
  "subscriptions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id").notNull(),
    planType: text("plan_type").notNull(),
    // Dates a client chose, any year from 0001: read back exactly, which drizzle's timestamp does not.
    startDate: exactTimestamp("start_date").notNull(),
    endDate: exactTimestamp("end_date").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("subscriptions_user_id_idx").on(t.userId),
    check("subscriptions_dates_ordered", sql`${t.endDate} >= ${t.startDate}`),
  ],
);

/** The versions of the whole payment and subscription lists, bumped by triggers on their tables. */
export const paymentsListVersions = listVersionsTable(paymentsSchema);
