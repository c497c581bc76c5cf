import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { BreakerState } from "../targets/target-guard.ts";

const breakerValue: Record<BreakerState, number> = { closed: 0, open: 1, "half-open": 2 };

/** The gateway's Prometheus metrics, in a registry of its own (several gateways can live in one test process). */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: "gateway_requests_total",
    help: "Proxied requests by route, target that answered and status",
    labelNames: ["route", "target", "status"] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: "gateway_request_duration_seconds",
    help: "Time to the upstream's response headers, by route and target",
    labelNames: ["route", "target"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: "gateway_fallbacks_total",
    help: "GET/HEAD requests answered by the legacy target after the service failed",
    labelNames: ["route", "from", "to"] as const,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: "gateway_retries_total",
    help: "GET/HEAD requests sent a second time to a route's last-resort target after its connection broke",
    labelNames: ["route", "target"] as const,
    registers: [this.registry],
  });
  private readonly shed = new Counter({
    name: "gateway_shed_total",
    help: "Requests refused without sending: target ejected or out of slots",
    labelNames: ["target", "reason"] as const,
    registers: [this.registry],
  });
  private readonly breaker = new Gauge({
    name: "gateway_breaker_state",
    help: "Circuit breaker state per target: 0 closed, 1 open (ejected), 2 half-open (probing)",
    labelNames: ["target"] as const,
    registers: [this.registry],
  });
  private readonly panic = new Gauge({
    name: "gateway_route_panic",
    help: "1 while the route's legacy target is ejected yet still takes its traffic as the last resort (panic), else 0",
    labelNames: ["route"] as const,
    registers: [this.registry],
  });
  private readonly percent = new Gauge({
    name: "gateway_route_percent",
    help: "Share of the route's traffic sent to its service (100 when the migration is finished)",
    labelNames: ["route"] as const,
    registers: [this.registry],
  });

  // Per-request series, resolved once: prom-client hashes a label set on every call otherwise, which
  // showed in the gateway's profile. Bounded by routes x targets x statuses seen.
  private readonly answeredSeries = new Map<string, { count: () => void; time: (seconds: number) => void }>();

  answered(route: string, target: string, status: number, seconds: number): void {
    const key = `${route}\u0000${target}\u0000${status}`;
    let series = this.answeredSeries.get(key);
    if (!series) {
      const counter = this.requests.labels(route, target, String(status));
      const histogram = this.latency.labels(route, target);
      series = { count: () => counter.inc(), time: (s) => histogram.observe(s) };
      this.answeredSeries.set(key, series);
    }
    series.count();
    series.time(seconds);
  }

  fellBack(route: string, from: string, to: string): void {
    this.fallbacks.inc({ route, from, to });
  }

  retried(route: string, target: string): void {
    this.retries.inc({ route, target });
  }

  refused(target: string, reason: string): void {
    this.shed.inc({ target, reason });
  }

  breakerState(target: string, state: BreakerState): void {
    this.breaker.set({ target }, breakerValue[state]);
  }

  routePanic(route: string, inPanic: boolean): void {
    this.panic.set({ route }, inPanic ? 1 : 0);
  }

  routePercent(route: string, effectivePercent: number): void {
    this.percent.set({ route }, effectivePercent);
  }
}
