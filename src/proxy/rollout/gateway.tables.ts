import { bigint, boolean, index, integer, jsonb, pgSchema, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** The gateway's own state: rollouts, their weight history, windowed counters and shadow diffs. */
export const gatewaySchema = pgSchema("gateway");

/** One row per route that ever had a rollout or shadow settings; `version` guards concurrent writers. */
export const rollouts = gatewaySchema.table("rollouts", {
  route: text("route").primaryKey(),
  /** The whole RolloutRecord (state, step, plan, last analysis, shadow settings), parsed on read. */
  record: jsonb("record").notNull(),
  version: integer("version").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Every weight change of a route: who or what, when, why. */
export const weightHistory = gatewaySchema.table(
  "weight_history",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    route: text("route").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    percent: integer("percent").notNull(),
    gradual: boolean("gradual").notNull(),
    by: text("by").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [index("weight_history_route_idx").on(t.route, t.id)],
);

/** Per replica, route, side and time bucket: what the analysis reads over its sliding window. */
export const windowCounts = gatewaySchema.table(
  "window_counts",
  {
    replica: text("replica").notNull(),
    route: text("route").notNull(),
    side: text("side").notNull(),
    /** The bucket's start, epoch milliseconds. */
    bucket: bigint("bucket", { mode: "number" }).notNull(),
    requests: integer("requests").notNull(),
    errors: integer("errors").notNull(),
    /** A bounded sample of latencies in milliseconds. */
    latencies: jsonb("latencies").$type<number[]>().notNull(),
    shadowCompared: integer("shadow_compared").notNull(),
    shadowMismatched: integer("shadow_mismatched").notNull(),
  },
  (t) => [primaryKey({ columns: [t.replica, t.route, t.side, t.bucket] }), index("window_counts_route_bucket_idx").on(t.route, t.bucket)],
);

/** Each replica's shadow diff report of a route; GET .../diff merges them. */
export const shadowReports = gatewaySchema.table(
  "shadow_reports",
  {
    route: text("route").notNull(),
    replica: text("replica").notNull(),
    report: jsonb("report").notNull(),
  },
  (t) => [primaryKey({ columns: [t.route, t.replica] })],
);

/** The analysis leader's lease, taken under an advisory lock so one replica decides at a time. */
export const leaderLease = gatewaySchema.table("leader_lease", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});
