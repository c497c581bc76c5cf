import type { Side } from "../routing/choose-target.ts";
import type { DiffCounters } from "../shadow/diff-report.ts";
import type { RolloutRecord, WeightChange } from "./rollout-state.ts";

/** One replica's counts for one route, side and time bucket. */
export interface WindowCount {
  replica: string;
  route: string;
  side: Side;
  bucket: number;
  requests: number;
  errors: number;
  latencies: number[];
  shadowCompared: number;
  shadowMismatched: number;
}

export interface StoredRollout {
  record: RolloutRecord;
  version: number;
}

export interface HistoryEntry extends WeightChange {
  at: string;
}

/** Where rollouts, their history, windowed counters and shadow reports live: a database, or this process. */
export interface RolloutStore {
  /** "database" when shared with other replicas and kept over restarts. */
  readonly kind: "database" | "memory";
  /** Every route's record with its version. */
  loadAll(): Promise<StoredRollout[]>;
  /** Writes the record if its version is still `expected` (0: new); appends the change to the history. False when another writer was first. */
  save(record: RolloutRecord, expected: number, change?: WeightChange): Promise<boolean>;
  /** The route's last weight changes, newest first. */
  history(route: string, limit: number): Promise<HistoryEntry[]>;
  /** Adds counts to their buckets. */
  addCounts(counts: readonly WindowCount[]): Promise<void>;
  /** Every replica's counts of a route since a bucket. */
  countsSince(route: string, bucket: number): Promise<WindowCount[]>;
  /** Drops buckets older than this. */
  pruneCounts(before: number): Promise<void>;
  saveDiff(route: string, replica: string, counters: DiffCounters): Promise<void>;
  /** Every replica's counters of a route. */
  loadDiffs(route: string): Promise<{ replica: string; counters: DiffCounters }[]>;
  clearDiffs(route: string): Promise<void>;
  /** Takes or renews the leader lease for `leaseMs`; false while another replica holds it. */
  tryLead(replica: string, leaseMs: number): Promise<boolean>;
  /** Ends this replica's lease if it holds it, so another replica takes it at its next tick. */
  releaseLead(replica: string): Promise<void>;
}

/**
 * The store of a gateway without a database: one replica only, and everything is gone on restart.
 * The proxy role uses it when DB_CONNECTION_STRING is unset, and says so in a warning.
 */
export class MemoryRolloutStore implements RolloutStore {
  readonly kind = "memory";
  private readonly rollouts = new Map<string, StoredRollout>();
  private readonly changes = new Map<string, HistoryEntry[]>();
  private counts: WindowCount[] = [];
  private readonly diffs = new Map<string, Map<string, DiffCounters>>();

  async loadAll(): Promise<StoredRollout[]> {
    return [...this.rollouts.values()].map((s) => structuredClone(s));
  }

  async save(record: RolloutRecord, expected: number, change?: WeightChange): Promise<boolean> {
    if ((this.rollouts.get(record.route)?.version ?? 0) !== expected) return false;
    this.rollouts.set(record.route, { record: structuredClone(record), version: expected + 1 });
    if (change) this.changes.set(record.route, [{ ...change, at: new Date().toISOString() }, ...(this.changes.get(record.route) ?? [])].slice(0, 1000));
    return true;
  }

  async history(route: string, limit: number): Promise<HistoryEntry[]> {
    return (this.changes.get(route) ?? []).slice(0, limit);
  }

  async addCounts(counts: readonly WindowCount[]): Promise<void> {
    this.counts.push(...counts.map((c) => structuredClone(c)));
  }

  async countsSince(route: string, bucket: number): Promise<WindowCount[]> {
    return this.counts.filter((c) => c.route === route && c.bucket >= bucket);
  }

  async pruneCounts(before: number): Promise<void> {
    this.counts = this.counts.filter((c) => c.bucket >= before);
  }

  async saveDiff(route: string, replica: string, counters: DiffCounters): Promise<void> {
    if (!this.diffs.has(route)) this.diffs.set(route, new Map());
    this.diffs.get(route)!.set(replica, structuredClone(counters));
  }

  async loadDiffs(route: string): Promise<{ replica: string; counters: DiffCounters }[]> {
    return [...(this.diffs.get(route) ?? new Map<string, DiffCounters>()).entries()].map(([replica, counters]) => ({ replica, counters: structuredClone(counters) }));
  }

  async clearDiffs(route: string): Promise<void> {
    this.diffs.delete(route);
  }

  async tryLead(): Promise<boolean> {
    return true;
  }

  async releaseLead(): Promise<void> {}
}
