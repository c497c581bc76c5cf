import type { Context } from "hono";
import { routePath } from "hono/route";
import { Histogram, type Registry } from "prom-client";
import type { AppEnv } from "../http-server/app-env.ts";

type Child = Histogram.Internal<"service" | "method" | "route" | "status">;

/** Request durations of our own HTTP apps (the modules' and the monolith's), by route template. */
export class HttpServerMetrics {
  private readonly duration: Histogram<"service" | "method" | "route" | "status">;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: "http_server_request_duration_seconds",
      help: "Time from request to response headers, by service, method, matched route template (never the raw path) and status",
      labelNames: ["service", "method", "route", "status"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /**
   * Records each request of one service's app (see requestPipeline's `timing`). The label is Hono's matched route path
   * (`/api/movies/:id`), so cardinality is bounded by the routes we wrote, whatever clients send.
   */
  recorder(service: string): (c: Context<AppEnv>, seconds: number) => void {
    const observe = this.observer(service);
    return (c, seconds) => observe(routePath(c), c.req.method, c.res.status, seconds);
  }

  /**
   * Records one request of a service by route template, for what serves requests outside Hono (the
   * JSON route edge). Label children are bound once per (route, method, status) and reused: no
   * allocation per request.
   */
  observer(service: string): (route: string, method: string, status: number, seconds: number) => void {
    const children = new Map<string, Map<string, Map<number, Child>>>();
    const childFor = (route: string, method: string, status: number): Child => {
      let byMethod = children.get(route);
      if (!byMethod) children.set(route, (byMethod = new Map()));
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = new Map()));
      let child = byStatus.get(status);
      if (!child) byStatus.set(status, (child = this.duration.labels({ service, method, route, status: String(status) })));
      return child;
    };
    return (route, method, status, seconds) => childFor(route, method, status).observe(seconds);
  }
}
