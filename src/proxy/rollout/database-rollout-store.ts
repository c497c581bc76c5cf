import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "../../adapters/db/database.ts";
import type { Side } from "../routing/choose-target.ts";
import { DiffCounters } from "../shadow/diff-report.ts";
import { leaderLease, rollouts, shadowReports, weightHistory, windowCounts } from "./gateway.tables.ts";
import type { HistoryEntry, RolloutStore, StoredRollout, WindowCount } from "./rollout-store.ts";
import { RolloutRecord, type WeightChange } from "./rollout-state.ts";

// Taken around the lease check, as the outbox relay takes its own: one replica decides at a time.
const LEADER_LOCK_KEY = 716_118_015;
const LEASE = "rollout-analysis";

/** Rollouts in the gateway schema of PostgreSQL or PGlite: shared by every replica, kept over restarts. */
export class DatabaseRolloutStore implements RolloutStore {
  readonly kind = "database";

  constructor(private readonly db: Database) {}

  async loadAll(): Promise<StoredRollout[]> {
    const rows = await this.db.select().from(rollouts);
    return rows.map((r) => ({ record: RolloutRecord.parse(r.record), version: r.version }));
  }

  async save(record: RolloutRecord, expected: number, change?: WeightChange): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const written =
        expected === 0
          ? await tx.insert(rollouts).values({ route: record.route, record, version: 1 }).onConflictDoNothing().returning({ v: rollouts.version })
          : await tx
              .update(rollouts)
              .set({ record, version: expected + 1, updatedAt: new Date() })
              .where(and(eq(rollouts.route, record.route), eq(rollouts.version, expected)))
              .returning({ v: rollouts.version });
      if (written.length === 0) return false;
      if (change) await tx.insert(weightHistory).values({ route: record.route, ...change });
      return true;
    });
  }

  async history(route: string, limit: number): Promise<HistoryEntry[]> {
    const rows = await this.db.select().from(weightHistory).where(eq(weightHistory.route, route)).orderBy(desc(weightHistory.id)).limit(limit);
    return rows.map((r) => ({ at: r.at.toISOString(), percent: r.percent, gradual: r.gradual, by: r.by, reason: r.reason }));
  }

  async addCounts(counts: readonly WindowCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.db
      .insert(windowCounts)
      .values(counts.map((c) => ({ ...c })))
      .onConflictDoUpdate({
        target: [windowCounts.replica, windowCounts.route, windowCounts.side, windowCounts.bucket],
        set: {
          requests: sql`${windowCounts.requests} + excluded.requests`,
          errors: sql`${windowCounts.errors} + excluded.errors`,
          latencies: sql`${windowCounts.latencies} || excluded.latencies`,
          shadowCompared: sql`${windowCounts.shadowCompared} + excluded.shadow_compared`,
          shadowMismatched: sql`${windowCounts.shadowMismatched} + excluded.shadow_mismatched`,
        },
      });
  }

  async countsSince(route: string, bucket: number): Promise<WindowCount[]> {
    const rows = await this.db.select().from(windowCounts).where(and(eq(windowCounts.route, route), gte(windowCounts.bucket, bucket)));
    return rows.map((r) => ({ ...r, side: r.side as Side }));
  }

  async pruneCounts(before: number): Promise<void> {
    await this.db.delete(windowCounts).where(lt(windowCounts.bucket, before));
  }

  async saveDiff(route: string, replica: string, counters: DiffCounters): Promise<void> {
    await this.db.insert(shadowReports).values({ route, replica, report: counters }).onConflictDoUpdate({ target: [shadowReports.route, shadowReports.replica], set: { report: counters } });
  }

  async loadDiffs(route: string): Promise<{ replica: string; counters: DiffCounters }[]> {
    const rows = await this.db.select().from(shadowReports).where(eq(shadowReports.route, route));
    return rows.map((r) => ({ replica: r.replica, counters: DiffCounters.parse(r.report) }));
  }

  async clearDiffs(route: string): Promise<void> {
    await this.db.delete(shadowReports).where(eq(shadowReports.route, route));
  }

  async tryLead(replica: string, leaseMs: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // Waits rather than tries: the holder must never read "not leading" because another replica
      // was checking the lease at that instant. The transaction is one statement long.
      await tx.execute(sql`select pg_advisory_xact_lock(${LEADER_LOCK_KEY})`);
      // The database's clock, not this replica's: replicas on several hosts agree on when a lease ends.
      const taken = (await tx.execute(sql`
        insert into ${leaderLease} (name, holder, expires_at) values (${LEASE}, ${replica}, now() + make_interval(secs => ${leaseMs / 1000}))
        on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
        where ${leaderLease.holder} = excluded.holder or ${leaderLease.expiresAt} < now()
        returning holder`)) as unknown as { rows: unknown[] };
      return taken.rows.length > 0;
    });
  }

  async releaseLead(replica: string): Promise<void> {
    await this.db
      .update(leaderLease)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(and(eq(leaderLease.name, LEASE), eq(leaderLease.holder, replica)));
  }
}
