import { Counter, Gauge, type Registry } from "prom-client";
import type { Database } from "../db/database.ts";
import { countParked } from "./outbox-parked.ts";

/** What the relay reports to Prometheus. */
export interface OutboxMetrics {
  /** Rows this process parked since it started. */
  readonly parkedTotal: Counter;
}

const PARKED_TOTAL = "outbox_parked_total";
const PARKED_NOW = "outbox_parked_messages";

/**
 * Registers the outbox's metrics in a registry (once per registry: a second call returns the
 * first's) and returns what the relay counts with. `outbox_parked_messages` is read from the
 * database at each scrape, so it is right across processes and after a replay; alert while it is
 * above 0. `outbox_parked_total` counts this process's parkings.
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
  return { parkedTotal };
}
