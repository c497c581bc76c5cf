import type { PGlite, Transaction } from "@electric-sql/pglite";
import type pg from "pg";
import { Gauge, Histogram, type Registry } from "prom-client";

type Outcome = "ok" | "error";

/**
 * Query timings and pool counts of the database adapters. Queries are timed where the driver runs
 * them (a wrapper on each pg client's `query`, set once per connection; PGlite's `query`), since
 * drizzle's logger hears of a query only before it runs.
 */
export class DatabaseMetrics {
  private readonly timings: Record<Outcome, Histogram.Internal<"driver" | "outcome">>;
  private readonly pools: pg.Pool[] = [];

  constructor(registry: Registry, driver: "postgres" | "pglite") {
    const duration = new Histogram({
      name: "db_query_duration_seconds",
      help: "Time the driver took to answer a statement, by driver and outcome",
      labelNames: ["driver", "outcome"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.timings = { ok: duration.labels({ driver, outcome: "ok" }), error: duration.labels({ driver, outcome: "error" }) };
    if (driver !== "postgres") return;
    const pools = this.pools;
    new Gauge({
      name: "db_pool_connections",
      help: "Connections of the pg pool: total open, idle, and callers waiting for one",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        const sum = (pick: (p: pg.Pool) => number) => pools.reduce((n, p) => n + pick(p), 0);
        this.set({ state: "total" }, sum((p) => p.totalCount));
        this.set({ state: "idle" }, sum((p) => p.idleCount));
        this.set({ state: "waiting" }, sum((p) => p.waitingCount));
      },
    });
  }

  /** Counts the pool's connections and times every query of every client it opens. */
  watchPool(pool: pg.Pool): void {
    this.pools.push(pool);
    pool.on("connect", (client) => this.timeClient(client as unknown as Queryable));
  }

  /** Times PGlite's statements, those inside transactions too. */
  watchPglite(client: PGlite): void {
    this.timeClient(client as unknown as Queryable);
    const transaction = client.transaction.bind(client);
    client.transaction = <T>(callback: (tx: Transaction) => Promise<T>) =>
      transaction((tx) => {
        this.timeClient(tx as unknown as Queryable);
        return callback(tx);
      });
  }

  private observe(started: number, outcome: Outcome): void {
    this.timings[outcome].observe((performance.now() - started) / 1000);
  }

  private timeClient(client: Queryable): void {
    const query = client.query;
    const metrics = this;
    client.query = function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      const last = args.length - 1;
      const callback = args[last];
      // pg-pool's own `pool.query` passes a callback; drizzle inside a transaction awaits a promise.
      if (typeof callback === "function") {
        args[last] = (error: unknown, result: unknown) => {
          metrics.observe(started, error ? "error" : "ok");
          return callback(error, result);
        };
        return query.apply(this, args);
      }
      const result = query.apply(this, args);
      if (result instanceof Promise) {
        result.then(
          () => metrics.observe(started, "ok"),
          () => metrics.observe(started, "error"),
        );
      }
      return result;
    };
  }
}

interface Queryable {
  query: (...args: unknown[]) => unknown;
}
