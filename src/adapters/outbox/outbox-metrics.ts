import { Counter, Gauge, type Registry } from "prom-client";
import type { Database } from "../db/database.ts";
import { isNull, sql } from "drizzle-orm";
import { countParked } from "./outbox-parked.ts";
import { outboxMessages } from "./outbox.tables.ts";

/** What the relay reports to Prometheus. */
export interface OutboxMetrics {
  /** Rows this process parked since it started. */
  readonly parkedTotal: Counter;
}

const PARKED_TOTAL = "outbox_parked_total";
const PARKED_NOW = "outbox_parked_messages";
const PENDING_NOW = "outbox_pending_messages";

/** Rows not yet on the bus, those held behind a parked row included. */
export async function countPending(db: Database): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outboxMessages).where(isNull(outboxMessages.sentAt));
  return row?.n ?? 0;
}

/**
 * Registers the outbox's metrics in a registry (once per registry: a second call returns the
 * first's) and returns what the relay counts with. `outbox_parked_messages` is read from the
 * database at each scrape, so it is right across processes and after a replay; alert while it is
 * above 0. `outbox_pending_messages` too: rows written and not yet on the bus (it grows while the
 * broker is away). `outbox_parked_total` counts this process's parkings.
 */
export function registerOutboxMetrics(registry: Registry, db: Database): OutboxMetrics {
  const known = registry.getSingleMetric(PARKED_TOTAL);
  if (known instanceof Counter) return { parkedTotal: known };
  const parkedTotal = new Counter({
    name: PARKED_TOTAL,
    help: "Outbox rows this process moved to outbox.parked_messages after the bus refused them repeatedly",
    registers: [registry],
  });
  new Gauge({
    name: PARKED_NOW,
    help: "Rows in outbox.parked_messages now: events that reach no consumer until replayed or discarded",
    registers: [registry],
    async collect() {
      try {
        this.set(await countParked(db));
      } catch {
        // The database is away: keep the last value rather than fail the whole scrape.
      }
    },
  });
  new Gauge({
    name: PENDING_NOW,
    help: "Rows of outbox.messages not yet on the bus: events written with their change that consumers have not been sent",
    registers: [registry],
    async collect() {
      try {
        this.set(await countPending(db));
      } catch {
        // As above: the last value, not a failed scrape.
      }
    },
  });
  return { parkedTotal };
}
