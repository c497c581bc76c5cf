import { collectDefaultMetrics, Registry } from "prom-client";
import { HttpServerMetrics } from "./http-server-metrics.ts";

let processRegistry: Registry | undefined;

/**
 * prom-client's default process and Node metrics (CPU, memory, event loop lag, GC, handles), once
 * per process: they describe the process, not a role, and each collector set up keeps its GC
 * observer and event-loop monitor for the life of the process (tests start many roles in one).
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * One role's Prometheus metrics: the HTTP server histogram of every app the role serves, and what
 * the database, bus and outbox register. A registry per role, not the global one: several roles
 * live in one test process. Its admin listener serves it with `processMetrics()`.
 */
export class RoleMetrics {
  readonly registry = new Registry();
  readonly http = new HttpServerMetrics(this.registry);
}
