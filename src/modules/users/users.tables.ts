import { sql } from "drizzle-orm";
import { integer, pgSchema, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const usersSchema = pgSchema("users");

export const users = usersSchema.table(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    username: text("username").notNull(),
    email: text("email").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Case-insensitive: "Ann" and "ann", or two spellings of one mailbox, are the same person.
  (t) => [
    uniqueIndex("users_username_lower_key").on(sql`lower(${t.username})`),
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
  ],
);
