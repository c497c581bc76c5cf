import type { TrafficReport } from "../../control/admin-routes.ts";
import type { TrafficPoint } from "../../observe/recent-traffic.ts";

const HISTORY_MS = 15 * 60_000;

/** One route's charted series: bucket start times (seconds, as uPlot wants) and a value per side. */
export interface RouteSeries {
  bucketSeconds: number;
  times: number[];
  legacy: TrafficPoint[];
  service: TrafficPoint[];
}

/**
 * The last 15 minutes per route and side, merged from the stream: the first event brings the whole
 * history, each tick the last buckets again (the filling one changes until it closes).
 */
export class TrafficHistory {
  private readonly points = new Map<string, Map<number, TrafficPoint>>();
  private bucketMs = 5_000;

  add(report: TrafficReport): void {
    this.bucketMs = report.bucketMs;
    const oldest = Date.now() - HISTORY_MS;
    for (const s of report.series) {
      const key = `${s.route}|${s.side}`;
      let byTime = this.points.get(key);
      if (!byTime) this.points.set(key, (byTime = new Map()));
      for (const p of s.points) byTime.set(p.at, p);
      for (const at of byTime.keys()) if (at < oldest) byTime.delete(at);
    }
  }

  /** The route's points on the time axis every route shares, a route with no traffic at zero. */
  of(route: string): RouteSeries {
    const legacy = this.points.get(`${route}|legacy`) ?? new Map<number, TrafficPoint>();
    const service = this.points.get(`${route}|service`) ?? new Map<number, TrafficPoint>();
    const times = [...new Set([...this.points.values()].flatMap((byTime) => [...byTime.keys()]))].sort((a, b) => a - b);
    const empty = (at: number): TrafficPoint => ({ at, requests: 0, errors: 0, p99: null });
    return {
      bucketSeconds: this.bucketMs / 1000,
      times: times.map((t) => t / 1000),
      legacy: times.map((t) => legacy.get(t) ?? empty(t)),
      service: times.map((t) => service.get(t) ?? empty(t)),
    };
  }
}
