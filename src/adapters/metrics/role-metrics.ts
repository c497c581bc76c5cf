import { collectDefaultMetrics, Registry } from "prom-client";
import { HttpServerMetrics } from "./http-server-metrics.ts";

/**
 * One role process's Prometheus metrics: prom-client's default process and Node metrics (CPU,
 * memory, event loop lag, GC, handles), the HTTP server histogram of every app the role serves, and
 * what the database, bus and outbox register. A registry per role, not the global one: several
 * roles live in one test process.
 */
export class RoleMetrics {
  readonly registry = new Registry();
  readonly http: HttpServerMetrics;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.http = new HttpServerMetrics(this.registry);
  }
}
