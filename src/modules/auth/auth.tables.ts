import { bigint, index, integer, pgSchema, text, timestamp, varchar } from "drizzle-orm/pg-core";

export const authSchema = pgSchema("auth");

/**
 * A user's password, as a scrypt hash, and role (`user` or `admin`, the access token's `role` claim);
 * the user itself lives in the users module. An operator grants admin here, or with AUTH_ADMIN_USERNAMES.
 */
export const credentials = authSchema.table("credentials", {
  userId: integer("user_id").primaryKey(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["user", "admin"] }).notNull().default("user"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Refresh tokens, stored as SHA-256 hashes. Each refresh rotates: the used token is marked used and a
 * new one joins its family; a used token presented again revokes the whole family (it was stolen).
 */
export const refreshTokens = authSchema.table(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    familyId: text("family_id").notNull(),
    userId: integer("user_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("refresh_tokens_family_idx").on(t.familyId)],
);

/**
 * Rate-limit counters shared by every replica (rate-limiter-flexible's PostgreSQL store, whose
 * columns these are): one row per limiter and key, dropped once its window is an hour old.
 */
export const rateLimits = authSchema.table(
  "rate_limits",
  {
    key: varchar("key", { length: 255 }).primaryKey(),
    points: integer("points").notNull().default(0),
    expire: bigint("expire", { mode: "number" }),
  },
  (t) => [index("rate_limits_expire_idx").on(t.expire)],
);
